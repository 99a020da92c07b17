import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, actorOf, type AuditActor } from '@borderlens/audit';
import { GrantSigner, type Principal } from '@borderlens/auth';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { GrantObligations } from '@borderlens/contracts';
import { LiveSessionEntity, type CameraEntity, type GrantForm, type IncidentEntity, type IssuedToken } from '@borderlens/database';
import type { CameraInput, Decision, IncidentInContext, PrincipalInput } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { assertEnabled, CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService, denied, policyIds } from '../policy/authorization.service';
import { OpenLiveSessionDto } from './live-session.dto';
import { LiveSessionNotifier } from './live-session-notifier.service';
import { LiveSessionRepository } from './live-session.repository';
import { isUuid } from '../common/validation';

/** Grants are short-lived: a viewer renews while watching, and every renewal is decided again. */
export const GRANT_TTL_SEC = 60;
/** A session not renewed this long after its grant expired has lapsed. */
export const LAPSE_GRACE_SEC = 30;

export interface IssuedSession {
  grant: LiveSessionEntity;
  token: string;
  decision: Decision;
  downgraded: boolean;
}

/** One decision about live video of a camera, with everything that went into it. */
export interface LiveDecision {
  decision: Decision;
  incidents: IncidentInContext[];
}

/**
 * Sessions: a permit decision on live video turned into a signed grant for the media node. Every
 * decision (permit and deny) is recorded in the audit trail: a consultation, or a disclosure when the
 * viewer is under another country's law than the camera.
 */
@Injectable()
export class LiveSessionService {
  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly repo: LiveSessionRepository,
    private readonly signer: GrantSigner,
    private readonly cameras: CameraVisibilityService,
    private readonly incidents: IncidentService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly notifier: LiveSessionNotifier,
  ) {}

  whepUrl(cameraId: string): string {
    return `${this.cfg.media.publicUrl.replace(/\/+$/, '')}/whep/${cameraId}`;
  }

  jwks() {
    return this.signer.jwks();
  }

  /** Decides live video of a camera in a form for a user, with the incidents covering it now. */
  decideLive(
    principal: PrincipalInput,
    form: GrantForm,
    camera: CameraEntity,
    cameraInput: CameraInput,
    g: { purpose: string; durationSec: number | null },
    active: IncidentEntity[],
  ): LiveDecision {
    const incidents = this.incidents.covering(camera, active);
    const decided = this.authz.decide(principal, form === 'raw' ? 'live.raw' : 'live.anonymized', cameraInput, {
      incidents,
      purpose: g.purpose,
      durationSec: g.durationSec ?? undefined,
      now: new Date(),
    });
    // Raw decisions say which incidents count for the camera's country, and which wait for its acceptance.
    const decision = form === 'raw' ? { ...decided, reasons: [...decided.reasons, ...this.incidents.explain(camera, active)] } : decided;
    return { decision, incidents };
  }

  async open(p: Principal, cameraId: string, dto: OpenLiveSessionDto): Promise<IssuedSession> {
    const camera = await this.cameras.findOne(cameraId);
    const principal = await this.authz.principal(p);
    const cameraInput = await this.authz.camera(camera);
    const wanted = { purpose: dto.purpose?.trim() ?? '', durationSec: dto.durationSec ?? null };
    const { decision, incidents } = this.decideLive(principal, dto.form, camera, cameraInput, wanted, await this.incidents.activeNow());
    if (decision.decision === 'deny') {
      await this.recordAccess(actorOf(p), p.organisation, p.country, camera, decision, { form: dto.form, purpose: wanted.purpose, incidents, outcome: 'deny' });
      throw deniedAccess(decision);
    }
    // After the decision, so that a camera hidden from the user stays as unknown as before.
    assertEnabled(camera);
    const now = Date.now();
    const limit = Math.min(dto.durationSec ?? Infinity, decision.obligations.maxDurationSec ?? Infinity);
    const grant = new LiveSessionEntity();
    Object.assign(grant, {
      id: randomUUID(),
      cameraId: camera.id,
      userId: p.userId,
      username: p.username,
      userName: p.name ?? '',
      organisationId: p.organisation,
      country: principal.country,
      roles: [...p.roles],
      requestedForm: dto.form,
      purpose: wanted.purpose,
      durationSec: wanted.durationSec,
      endsAt: Number.isFinite(limit) ? new Date(now + limit * 1000) : null,
      state: 'active',
      endReason: null,
      pendingChange: null,
      tokens: [],
    });
    const token = await this.issue(grant, dto.form, decision, incidents);
    await this.dataSource.transaction(async (m) => {
      await this.repo.save(grant, m);
      await this.recordAccess(
        actorOf(p),
        p.organisation,
        p.country,
        camera,
        decision,
        { form: grant.form, purpose: grant.purpose, incidents, outcome: 'permit', session: grant.id, jti: last(grant.tokens).jti },
        m,
      );
    });
    return { grant, token, decision, downgraded: false };
  }

  /**
   * A new grant for a running session, decided again: a raw session no longer permitted raw gets an
   * anonymized grant when that is permitted, else the session ends (403). The media node is told.
   */
  async renew(p: Principal, cameraId: string, sessionId: string): Promise<IssuedSession> {
    const existing = await this.findOwn(p, cameraId, sessionId);
    this.assertRenewable(existing);
    const camera = await this.cameras.findOne(cameraId);
    assertEnabled(camera);
    const principal = await this.authz.principal(p);
    const cameraInput = await this.authz.camera(camera);
    const active = await this.incidents.activeNow();
    let { decision, incidents } = this.decideLive(principal, existing.form, camera, cameraInput, existing, active);
    let form = existing.form;
    const refusals: Decision[] = [];
    if (decision.decision === 'deny' && form === 'raw') {
      refusals.push(decision);
      ({ decision, incidents } = this.decideLive(principal, 'anonymized', camera, cameraInput, existing, active));
      form = 'anonymized';
    }
    let token: string | undefined;
    const grant = await this.dataSource.transaction(async (m) => {
      const g = await this.repo.lock(sessionId, m);
      if (!g) throw AppError.notFound('session', sessionId);
      this.assertRenewable(g);
      for (const r of refusals)
        await this.recordAccess(
          actorOf(p),
          g.organisationId,
          g.country,
          camera,
          r,
          { form: 'raw', purpose: g.purpose, incidents, outcome: 'deny', session: g.id, renewal: true },
          m,
        );
      if (decision.decision === 'deny') {
        Object.assign(g, { state: 'ended', endReason: decision.reasons.join('; '), pendingChange: { action: 'end', reason: 'no longer permitted' } });
        await this.repo.save(g, m);
        await this.recordAccess(
          actorOf(p),
          g.organisationId,
          g.country,
          camera,
          decision,
          { form, purpose: g.purpose, incidents, outcome: 'deny', session: g.id, renewal: true },
          m,
        );
        return g;
      }
      if (form !== g.form) g.pendingChange = { action: 'downgrade', reason: 'raw video is no longer permitted' };
      token = await this.issue(g, form, decision, incidents);
      await this.repo.save(g, m);
      await this.recordAccess(
        actorOf(p),
        g.organisationId,
        g.country,
        camera,
        decision,
        { form, purpose: g.purpose, incidents, outcome: 'permit', session: g.id, jti: last(g.tokens).jti, renewal: true },
        m,
      );
      return g;
    });
    if (grant.pendingChange) await this.notifier.deliver(grant);
    if (!token) throw deniedAccess(decision);
    return { grant, token, decision, downgraded: refusals.length > 0 };
  }

  /** The viewer stopped watching. */
  async end(p: Principal, cameraId: string, sessionId: string): Promise<void> {
    await this.findOwn(p, cameraId, sessionId);
    const grant = await this.dataSource.transaction(async (m) => {
      const g = await this.repo.lock(sessionId, m);
      if (!g || g.state !== 'active') return null;
      Object.assign(g, { state: 'ended', endReason: 'ended by the viewer', pendingChange: { action: 'end', reason: 'ended by the viewer' } });
      return this.repo.save(g, m);
    });
    if (grant) await this.notifier.deliver(grant);
  }

  /** Writes one decision about live video; cross-border access is a disclosure to the viewer's organisation. */
  recordAccess(
    actor: AuditActor,
    viewerOrganisation: string,
    viewerCountry: string,
    camera: CameraEntity,
    d: Decision,
    what: {
      form: GrantForm;
      purpose: string;
      incidents: IncidentInContext[];
      outcome: string;
      session?: string;
      jti?: string;
      renewal?: boolean;
      reasons?: string[];
      viewer?: string;
    },
    manager?: EntityManager,
  ) {
    const crossBorder = viewerCountry !== camera.jurisdiction;
    return this.audit.record(
      {
        actor,
        operation: crossBorder ? 'disclosure' : 'consultation',
        object: `camera:${camera.id}`,
        justification: what.purpose,
        recipient: crossBorder ? `${viewerOrganisation} (${viewerCountry})` : '',
        decision: what.outcome,
        policyIds: policyIds(d),
        details: {
          action: what.form === 'raw' ? 'live.raw' : 'live.anonymized',
          reasons: what.reasons ?? d.reasons,
          ...(d.denial ? { denial: d.denial } : {}),
          ...(d.decision === 'permit' ? { obligations: d.obligations } : {}),
          incidents: what.incidents.map((i) => i.id),
          ...(what.session ? { session: what.session } : {}),
          ...(what.jti ? { grant: what.jti } : {}),
          ...(what.renewal ? { renewal: true } : {}),
          ...(what.viewer ? { viewer: what.viewer } : {}),
        },
      },
      manager,
    );
  }

  /** Signs a grant for the session in `form` and records it on the entity (not saved). */
  private async issue(g: LiveSessionEntity, form: GrantForm, d: Decision, incidents: IncidentInContext[]): Promise<string> {
    const nowSec = Math.floor(Date.now() / 1000);
    const ttl = g.endsAt ? Math.max(1, Math.min(GRANT_TTL_SEC, Math.floor(g.endsAt.getTime() / 1000) - nowSec)) : GRANT_TTL_SEC;
    // A raw permit that still demands anonymization is served anonymized.
    const granted: GrantForm = form === 'raw' && !d.obligations.anonymize ? 'raw' : 'anonymized';
    const obligations: GrantObligations = {
      watermark: d.obligations.watermark,
      anonymize: d.obligations.anonymize,
      ownerApproval: d.obligations.ownerApproval,
      ...(g.purpose ? { purpose: g.purpose } : {}),
      ...(d.obligations.maxDurationSec !== undefined ? { maxDurationSec: d.obligations.maxDurationSec } : {}),
    };
    const { token, claims } = await this.signer.sign(
      { sub: g.userId, name: g.userName || g.username, org: g.organisationId, country: g.country, cam: g.cameraId, form: granted, obligations, sid: g.id },
      ttl,
    );
    const tokens: IssuedToken[] = [...(g.tokens ?? []).filter((t) => t.exp > nowSec), { jti: claims.jti, exp: claims.exp }];
    Object.assign(g, {
      form: granted,
      obligations,
      policyIds: policyIds(d),
      incidentIds: incidents.map((i) => i.id),
      tokens,
      expiresAt: new Date(claims.exp * 1000),
    });
    return token;
  }

  private async findOwn(p: Principal, cameraId: string, sessionId: string): Promise<LiveSessionEntity> {
    const g = isUuid(sessionId) ? await this.repo.findById(sessionId) : null;
    // Someone else's session is reported as unknown.
    if (!g || g.cameraId !== cameraId || g.userId !== p.userId) throw AppError.notFound('session', sessionId);
    return g;
  }

  private assertRenewable(g: LiveSessionEntity): void {
    if (g.state === 'ended') throw AppError.conflict('session_ended', `the session has ended: ${g.endReason ?? 'ended'}; open a new one`);
    if (g.endsAt && g.endsAt.getTime() <= Date.now()) throw AppError.conflict('session_ended', 'the session reached its maximum duration; open a new one');
    if (g.expiresAt.getTime() + LAPSE_GRACE_SEC * 1000 < Date.now()) throw AppError.conflict('session_expired', 'the grant expired without renewal; open a new session');
  }
}

function last<T>(a: T[]): T {
  return a[a.length - 1];
}

/** 403 with the reasons; a missing purpose has its own code so a client can ask for one. */
export function deniedAccess(d: Decision): AppError {
  return denied(d, d.denial === 'purpose-required' ? 'purpose_required' : 'access_denied');
}
