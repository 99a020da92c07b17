import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { ClipRequestEntity, type CameraEntity, type ClipState } from '@borderlens/database';
import { maxRetentionMonths, retainedFrom, type Action, type CameraInput, type ClipInput, type Decision, type Obligations, type PrincipalInput } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { assertEnabled, CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService, denied, policyIds } from '../policy/authorization.service';
import { RecordingService } from '../recording/recording.service';
import type { ClipRequestCheckDto, ClipRequestDto, CreateClipRequestDto } from './clip.dto';
import { ClipSigner } from './clip-manifest';
import { ClipRequestRepository } from './clip-request.repository';
import { isUuid } from '../common/validation';

const DAY_MS = 86_400_000;
const LIST_LIMIT = 500;
/** States in which a request may still be withdrawn by its requester. */
const CANCELLABLE: ClipState[] = ['submitted', 'approved'];
/** States in which a legal officer's queue shows a request. */
const QUEUE_STATES: Record<string, ClipState[]> = {
  open: ['submitted'],
  all: ['submitted', 'approved', 'exporting', 'ready', 'failed', 'rejected', 'cancelled', 'expired'],
};

/** The strictest of two permits' obligations. */
export function strictest(a: Obligations, b?: Obligations): Obligations {
  if (!b) return a;
  const max = [a.maxDurationSec, b.maxDurationSec].filter((v): v is number => v !== undefined);
  return {
    ...a,
    watermark: a.watermark || b.watermark,
    anonymize: a.anonymize || b.anonymize,
    ownerApproval: a.ownerApproval || b.ownerApproval,
    purposeRequired: a.purposeRequired || b.purposeRequired,
    ...(max.length ? { maxDurationSec: Math.min(...max) } : {}),
  };
}

/**
 * Answer deadline of a request: between police forces of two countries, Directive (EU) 2023/977
 * (Art. 5) applies: urgent within clips.deadlineUrgentHours, otherwise clips.deadlineDays.
 */
export function answerDeadline(
  cfg: BorderlensConfig['clips'],
  requester: { kind: string; country: string },
  owner: { kind: string; country: string },
  urgent: boolean,
  now: Date,
): Date | null {
  if (requester.kind !== 'police' || owner.kind !== 'police' || requester.country === owner.country) return null;
  return new Date(now.getTime() + (urgent ? cfg.deadlineUrgentHours * 3600_000 : cfg.deadlineDays * DAY_MS));
}

/**
 * Clip requests: the decision with the policies (clip.request, and recording.raw for raw), the owner's
 * approval where the rules oblige it (clip.approve; never by the requester, never across the border),
 * withdrawal and legal hold. The export itself is ClipJobService's.
 */
@Injectable()
export class ClipRequestService {
  /** Called after a request becomes approved, so the export starts without waiting for the next round. */
  onApproved: () => void = () => undefined;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly cameras: CameraVisibilityService,
    private readonly incidents: IncidentService,
    private readonly recordings: RecordingService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly repo: ClipRequestRepository,
    private readonly signer: ClipSigner,
  ) {}

  async create(p: Principal, dto: CreateClipRequestDto): Promise<ClipRequestEntity> {
    const camera = await this.cameras.findOne(dto.cameraId);
    const principal = await this.authz.principal(p);
    const cameraInput = await this.authz.camera(camera);
    const from = dto.from;
    const to = dto.to;
    const durationSec = (to.getTime() - from.getTime()) / 1000;
    const context = {
      incidents: this.incidents.covering(camera, await this.incidents.activeNow()),
      purpose: `${dto.purpose}: ${dto.justification.trim()}`,
      durationSec: Math.max(1, Math.ceil(durationSec)),
      now: new Date(),
    };
    const crossBorder = principal.country !== camera.jurisdiction;
    const refuse = async (action: Action, d: Decision, code: string) => {
      await this.authz.recordDecision(p, action, d, {
        operation: crossBorder ? 'disclosure' : 'consultation',
        object: `camera:${camera.id}`,
        justification: context.purpose,
        recipient: crossBorder ? `${p.organisation} (${principal.country})` : undefined,
        details: { form: dto.form, from: from.toISOString(), to: to.toISOString() },
      });
      throw denied(d, d.denial === 'purpose-required' ? 'purpose_required' : code);
    };
    const request = this.authz.decide(principal, 'clip.request', cameraInput, context);
    if (request.decision === 'deny') await refuse('clip.request', request, 'clip_request_denied');
    assertEnabled(camera);
    let raw: Decision | undefined;
    if (dto.form === 'raw') {
      raw = this.authz.decide(principal, 'recording.raw', cameraInput, context);
      if (raw.decision === 'deny') await refuse('recording.raw', raw, 'clip_raw_denied');
      if (raw.obligations.anonymize || request.obligations.anonymize) {
        throw AppError.forbidden('the rules demand anonymization of this camera for you: ask for the anonymized form', 'clip_raw_denied');
      }
    }
    const obligations = strictest(request.obligations, raw?.obligations);
    this.checkRange(camera, maxRetentionMonths(camera.jurisdiction, cameraInput.owner.kind), from, to, obligations);
    if (!(await this.recordings.covers(camera.id, from, to))) {
      const { ranges } = await this.recordings.ranges(camera.id, new Date(from.getTime() - DAY_MS), new Date(to.getTime() + DAY_MS));
      throw AppError.badRequest('clip_range_not_recorded', 'the camera has no continuous recording of that range', {
        ranges: ranges.map((r) => ({ from: r.from.toISOString(), to: r.to.toISOString() })),
      });
    }
    const owner = cameraInput.owner;
    const now = new Date();
    const r = new ClipRequestEntity();
    Object.assign(r, {
      cameraId: camera.id,
      requesterId: p.userId,
      requesterName: p.username,
      requesterOrganisation: p.organisation,
      requesterCountry: principal.country,
      startsAt: from,
      endsAt: to,
      purpose: dto.purpose,
      justification: dto.justification.trim(),
      caseReference: dto.caseReference?.trim() || null,
      urgent: dto.urgent ?? false,
      deadlineAt: answerDeadline(
        this.cfg.clips,
        { kind: principal.organisation.kind, country: principal.country! },
        { kind: owner.kind, country: camera.jurisdiction },
        dto.urgent ?? false,
        now,
      ),
      form: dto.form,
      state: obligations.ownerApproval ? 'submitted' : 'approved',
      policyIds: [...policyIds(request), ...(raw ? policyIds(raw) : [])],
      obligations: { ...obligations },
      legalBasis: [...request.reasons, ...(raw?.reasons ?? [])].join('; '),
      decidedBy: null,
      decisionReason: obligations.ownerApproval ? null : 'no owner approval required by the rules',
      decidedAt: obligations.ownerApproval ? null : now,
    } satisfies Partial<ClipRequestEntity>);
    const saved = await this.dataSource.transaction(async (m) => {
      const s = await this.repo.save(r, m);
      await this.record(
        p,
        s,
        'collection',
        s.state,
        `${s.purpose}: ${s.justification}`,
        [...s.policyIds],
        {
          action: dto.form === 'raw' ? 'clip.request+recording.raw' : 'clip.request',
          camera: camera.id,
          form: s.form,
          from: s.startsAt.toISOString(),
          to: s.endsAt.toISOString(),
          obligations,
          caseReference: s.caseReference,
          urgent: s.urgent,
          deadlineAt: s.deadlineAt?.toISOString() ?? null,
        },
        m,
      );
      return s;
    });
    if (saved.state === 'approved') this.onApproved();
    return saved;
  }

  /**
   * The policies' answer to a request before it is sent (a dry run): denied with the reasons, allowed,
   * or waiting for the owner's legal officer; and what about the range would be refused. A camera
   * disabled by its administrators answers 409 camera_disabled, as the request would. Nothing is
   * stored; the decision is not audited because nothing of the footage is seen or disclosed.
   */
  async check(p: Principal, dto: CreateClipRequestDto): Promise<ClipRequestCheckDto> {
    const camera = await this.cameras.findOne(dto.cameraId);
    const principal = await this.authz.principal(p);
    const cameraInput = await this.authz.camera(camera);
    const durationSec = Math.max(1, Math.ceil((dto.to.getTime() - dto.from.getTime()) / 1000));
    const context = {
      incidents: this.incidents.covering(camera, await this.incidents.activeNow()),
      purpose: `${dto.purpose}: ${dto.justification.trim()}`,
      durationSec,
      now: new Date(),
    };
    const owner = { organisation: cameraInput.owner.id, country: camera.jurisdiction, role: 'legal-officer' };
    const base = { crossBorder: principal.country !== camera.jurisdiction, owner };
    const refusal = (d: Decision, code: string): ClipRequestCheckDto => ({
      ...base,
      outcome: 'denied',
      code: d.denial === 'purpose-required' ? 'purpose_required' : code,
      reasons: d.reasons,
      policies: policyIds(d),
      obligations: {},
      problems: [],
    });
    const request = this.authz.decide(principal, 'clip.request', cameraInput, context);
    if (request.decision === 'deny') return refusal(request, 'clip_request_denied');
    // As the request itself answers (409 camera_disabled), so that the form says so before it is sent.
    assertEnabled(camera);
    let raw: Decision | undefined;
    if (dto.form === 'raw') {
      raw = this.authz.decide(principal, 'recording.raw', cameraInput, context);
      if (raw.decision === 'deny') return refusal(raw, 'clip_raw_denied');
      if (raw.obligations.anonymize || request.obligations.anonymize) {
        return { ...refusal(raw, 'clip_raw_denied'), reasons: ['the rules demand anonymization of this camera for you: ask for the anonymized form'] };
      }
    }
    const obligations = strictest(request.obligations, raw?.obligations);
    const problems: { code: string; message: string }[] = [];
    try {
      this.checkRange(camera, maxRetentionMonths(camera.jurisdiction, cameraInput.owner.kind), dto.from, dto.to, obligations);
      if (!(await this.recordings.covers(camera.id, dto.from, dto.to)))
        problems.push({ code: 'clip_range_not_recorded', message: 'the camera has no continuous recording of that range' });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      problems.push({ code: e.code, message: e.message });
    }
    const deadline = answerDeadline(
      this.cfg.clips,
      { kind: principal.organisation.kind, country: principal.country! },
      { kind: cameraInput.owner.kind, country: camera.jurisdiction },
      dto.urgent ?? false,
      new Date(),
    );
    return {
      ...base,
      outcome: obligations.ownerApproval ? 'approval' : 'allowed',
      reasons: [...request.reasons, ...(raw?.reasons ?? [])],
      policies: [...policyIds(request), ...(raw ? policyIds(raw) : [])],
      obligations: { ...obligations },
      problems,
      deadlineAt: deadline?.toISOString() ?? null,
    };
  }

  /** Range checks: order, not in the future, within retention, within the rules' maximum duration. */
  private checkRange(camera: CameraEntity, capMonths: number | undefined, from: Date, to: Date, obligations: Obligations): void {
    const now = Date.now();
    if (to <= from) throw AppError.badRequest('clip_range_invalid', 'from must be before to');
    if (to.getTime() > now) throw AppError.badRequest('clip_range_invalid', 'the range must lie in the past');
    const kept = retainedFrom(new Date(now), camera.retentionDays, capMonths).getTime();
    if (from.getTime() < kept) {
      const period = capMonths === undefined ? `${camera.retentionDays} days` : `${camera.retentionDays} days, at most ${capMonths} calendar months`;
      throw AppError.badRequest('clip_range_beyond_retention', `recordings of this camera are kept ${period}: the range must start after ${new Date(kept).toISOString()}`, {
        retentionDays: camera.retentionDays,
        retainedFrom: new Date(kept).toISOString(),
        ...(capMonths === undefined ? {} : { retentionMonths: capMonths }),
      });
    }
    const sec = (to.getTime() - from.getTime()) / 1000;
    if (obligations.maxDurationSec !== undefined && sec > obligations.maxDurationSec) {
      throw AppError.badRequest('clip_too_long', `the rules allow clips of at most ${obligations.maxDurationSec} s; this range is ${Math.ceil(sec)} s`, {
        maxDurationSec: obligations.maxDurationSec,
      });
    }
  }

  /** A request as the caller may see it: their own, or one they could decide (404 otherwise). */
  async findVisible(p: Principal, id: string): Promise<ClipRequestEntity> {
    const r = isUuid(id) ? await this.repo.findById(id) : null;
    if (!r) throw AppError.notFound('clip_request', id);
    if (r.requesterId === p.userId) return r;
    const d = await this.decideApproval(p, r);
    if (d.decision === 'permit') return r;
    throw AppError.notFound('clip_request', id);
  }

  mine(p: Principal): Promise<ClipRequestEntity[]> {
    return this.repo.findByRequester(p.userId, LIST_LIMIT);
  }

  /** The requests the caller may decide, nearest deadline first. */
  async queue(p: Principal, which: 'open' | 'all'): Promise<ClipRequestEntity[]> {
    const principal = await this.authz.principal(p);
    const out: ClipRequestEntity[] = [];
    for (const r of await this.repo.findInStates(QUEUE_STATES[which], LIST_LIMIT)) {
      if (r.requesterId === p.userId) continue;
      if (this.decideFor(principal, await this.clipInput(r)).decision === 'permit') out.push(r);
    }
    return out;
  }

  approve(p: Principal, id: string, reason: string): Promise<ClipRequestEntity> {
    return this.decideRequest(p, id, reason, 'approved');
  }

  reject(p: Principal, id: string, reason: string): Promise<ClipRequestEntity> {
    return this.decideRequest(p, id, reason, 'rejected');
  }

  private async decideRequest(p: Principal, id: string, reason: string, outcome: 'approved' | 'rejected'): Promise<ClipRequestEntity> {
    const existing = await this.findForDecision(id);
    const d = await this.assertMayDecide(p, existing, outcome === 'approved' ? 'approve' : 'reject');
    const saved = await this.dataSource.transaction(async (m) => {
      const r = await this.repo.lock(id, m);
      if (!r) throw AppError.notFound('clip_request', id);
      if (r.state !== 'submitted') throw AppError.conflict('clip_not_pending', `the request is ${r.state}, not waiting for a decision`);
      Object.assign(r, {
        state: outcome,
        decidedBy: p.username,
        deciderOrganisation: p.organisation,
        decidedAt: new Date(),
        decisionReason: reason.trim(),
        approvalPolicyIds: policyIds(d),
      });
      const s = await this.repo.save(r, m);
      await this.record(p, s, 'alteration', outcome, reason.trim(), policyIds(d), { action: 'clip.approve', state: outcome, overdue: this.overdue(s, s.decidedAt!) }, m);
      return s;
    });
    if (saved.state === 'approved') this.onApproved();
    return saved;
  }

  async cancel(p: Principal, id: string, reason: string): Promise<ClipRequestEntity> {
    const existing = await this.findVisible(p, id);
    if (existing.requesterId !== p.userId) throw AppError.forbidden('only the requester can withdraw a request', 'clip_not_requester');
    return this.dataSource.transaction(async (m) => {
      const r = await this.repo.lock(id, m);
      if (!r) throw AppError.notFound('clip_request', id);
      if (!CANCELLABLE.includes(r.state)) throw AppError.conflict('clip_not_cancellable', `a request that is ${r.state} cannot be withdrawn`);
      Object.assign(r, { state: 'cancelled', decisionReason: reason.trim() });
      const s = await this.repo.save(r, m);
      await this.record(p, s, 'alteration', 'cancelled', reason.trim(), [], { state: 'cancelled' }, m);
      return s;
    });
  }

  /** Legal hold: keeps the request's segments and file beyond retention and download expiry until released. */
  async hold(p: Principal, id: string, reason: string, on: boolean): Promise<ClipRequestEntity> {
    const existing = await this.findForDecision(id);
    const d = await this.assertMayDecide(p, existing, on ? 'hold' : 'release', true);
    return this.dataSource.transaction(async (m) => {
      const r = await this.repo.lock(id, m);
      if (!r) throw AppError.notFound('clip_request', id);
      if (r.legalHold === on)
        throw AppError.conflict(on ? 'clip_already_held' : 'clip_not_held', on ? 'the request is already under legal hold' : 'the request is not under legal hold');
      if (on && r.state === 'expired') throw AppError.conflict('clip_expired', 'the clip has expired and its file is erased; nothing is left to hold');
      Object.assign(r, { legalHold: on, holdReason: reason.trim(), heldBy: p.username });
      const s = await this.repo.save(r, m);
      await this.record(p, s, 'alteration', on ? 'legal-hold' : 'legal-hold-released', reason.trim(), policyIds(d), { action: 'clip.approve', legalHold: on }, m);
      return s;
    });
  }

  /**
   * The request a decision is about. Unlike reading, a caller who may not decide it gets 403 (and the
   * refusal is audited) rather than 404: the id is unguessable, and a refused approval must leave a trace.
   */
  private async findForDecision(id: string): Promise<ClipRequestEntity> {
    const r = isUuid(id) ? await this.repo.findById(id) : null;
    if (!r) throw AppError.notFound('clip_request', id);
    return r;
  }

  /**
   * clip.approve decided by the policies on the request; on top, two invariants no rule can lift:
   * nobody decides their own request (four eyes), and only someone under the camera's jurisdiction
   * decides (the approval is that country's export decision).
   */
  private async assertMayDecide(p: Principal, r: ClipRequestEntity, what: string, allowOwn = false): Promise<Decision> {
    if (r.requesterId === p.userId && !allowOwn) {
      await this.record(p, r, 'consultation', 'deny', `${what} refused: own request`, [], { action: 'clip.approve', denial: 'own-request' });
      throw AppError.forbidden('you cannot decide your own request', 'clip_self_approval');
    }
    const principal = await this.authz.principal(p);
    const input = await this.clipInput(r);
    const d = this.decideFor(principal, input);
    if (principal.country !== input.camera.jurisdiction) {
      await this.record(p, r, 'consultation', 'deny', `${what} refused: foreign jurisdiction`, policyIds(d), { action: 'clip.approve', denial: 'foreign-jurisdiction' });
      throw new AppError(HttpStatus.FORBIDDEN, 'clip_approve_denied', `only someone under the camera's jurisdiction (${input.camera.jurisdiction}) can ${what} this request`);
    }
    if (d.decision === 'deny') {
      await this.authz.recordDecision(p, 'clip.approve', d, { operation: 'consultation', object: `clip:${r.id}`, justification: `${what} refused` });
      throw denied(d, 'clip_approve_denied');
    }
    return d;
  }

  private decideFor(principal: PrincipalInput, clip: ClipInput): Decision {
    return this.authz.decide(principal, 'clip.approve', clip);
  }

  private async decideApproval(p: Principal, r: ClipRequestEntity): Promise<Decision> {
    return this.decideFor(await this.authz.principal(p), await this.clipInput(r));
  }

  async clipInput(r: ClipRequestEntity): Promise<ClipInput> {
    const camera = await this.cameras.findOne(r.cameraId);
    const { type: _t, ...cam } = (await this.authz.camera(camera)) as CameraInput;
    const requester = (await this.authz.organisation(r.requesterOrganisation)) ?? {
      id: r.requesterOrganisation,
      kind: 'municipality',
      country: r.requesterCountry,
      regime: 'gdpr',
    };
    return { type: 'Clip', id: r.id, camera: cam, requester };
  }

  overdue(r: ClipRequestEntity, at = new Date()): boolean {
    return !!r.deadlineAt && r.deadlineAt < at;
  }

  /** One audit entry about a request (object clip:<id>); a step across the border names the other side as recipient. */
  record(
    p: Principal,
    r: ClipRequestEntity,
    operation: 'collection' | 'consultation' | 'alteration',
    decision: string,
    justification: string,
    rules: string[],
    details: Record<string, unknown>,
    m?: EntityManager,
  ) {
    return this.audit.record(
      {
        actor: actorOf(p),
        operation,
        object: `clip:${r.id}`,
        justification,
        recipient: r.requesterCountry && p.country !== r.requesterCountry ? `${r.requesterOrganisation} (${r.requesterCountry})` : '',
        decision,
        policyIds: rules,
        details: { camera: r.cameraId, ...details },
      },
      m,
    );
  }

  async toDto(p: Principal, r: ClipRequestEntity): Promise<ClipRequestDto> {
    const base = this.cfg.gateway.publicUrl.replace(/\/+$/, '');
    const ready = r.state === 'ready';
    let downloadUrl: string | null = null;
    if (ready && r.requesterId === p.userId && r.expiresAt) {
      const token = await this.signer.signLink({ sub: r.requesterId, clip: r.id, exp: Math.floor(r.expiresAt.getTime() / 1000) });
      downloadUrl = `${base}/api/v1/clips/${r.id}/download?token=${token}`;
    }
    return {
      id: r.id,
      cameraId: r.cameraId,
      state: r.state,
      form: r.form,
      from: r.startsAt.toISOString(),
      to: r.endsAt.toISOString(),
      purpose: r.purpose,
      justification: r.justification,
      caseReference: r.caseReference,
      urgent: r.urgent,
      deadlineAt: r.deadlineAt?.toISOString() ?? null,
      overdue: r.state === 'submitted' && this.overdue(r),
      requester: { user: r.requesterName, organisation: r.requesterOrganisation, country: r.requesterCountry },
      decision: r.decidedAt ? { by: r.decidedBy ?? 'system', organisation: r.deciderOrganisation ?? '', at: r.decidedAt.toISOString(), reason: r.decisionReason ?? '' } : null,
      obligations: r.obligations,
      policies: [...r.policyIds, ...r.approvalPolicyIds],
      percent: Math.round(r.progress * 1000) / 10,
      etaSec: r.state === 'exporting' ? r.etaSec : null,
      error: r.error,
      sha256: r.sha256,
      bytes: r.bytes === null ? null : Number(r.bytes),
      expiresAt: r.expiresAt?.toISOString() ?? null,
      legalHold: r.legalHold,
      holdReason: r.holdReason,
      downloadUrl,
      manifestUrl: r.manifest ? `${base}/api/v1/clips/${r.id}/manifest` : null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}
