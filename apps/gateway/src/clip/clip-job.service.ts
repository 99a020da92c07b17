import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@borderlens/audit';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { Patterns, type AnonymizerHealth, type ClipExportRequest, type ClipExportStatus, type ServiceClient } from '@borderlens/contracts';
import type { AuditEntryEntity, ClipRequestEntity } from '@borderlens/database';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { SchedulerService } from '../common/scheduler.service';
import { OrganisationService } from '../organisation/organisation.service';
import { ANONYMIZER_CLIENT, MEDIA_CLIENT } from '../transport/transport.module';
import { ClipSigner, policyVersions, type ClipManifest } from './clip-manifest';
import { ClipRequestRepository } from './clip-request.repository';
import { ClipRequestService } from './clip-request.service';

const DAY_MS = 86_400_000;
/** A media node silent this long while it should be exporting: the request fails rather than stay "exporting". */
const UNREACHABLE_FAIL_MS = 120_000;
const JOB = 'clip-jobs';

/** Text burned into every frame of a clip (with the time of the frame): who it is for and which request. */
export function clipWatermark(r: Pick<ClipRequestEntity, 'id' | 'requesterOrganisation'>): string {
  return `FOR ${r.requesterOrganisation} CLIP ${r.id}`;
}

/**
 * The export job of every approved request, driven from the database so that a gateway restart loses
 * nothing: approved -> started on the media node (exporting) -> followed (progress, time left) ->
 * ready (manifest signed, download open) or failed. An export the media node lost (it restarted) is
 * started again up to clips.maxExportAttempts times; a media node that stays unreachable fails the
 * request after UNREACHABLE_FAIL_MS. Ready clips past their download period are erased unless held.
 */
@Injectable()
export class ClipJobService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(ClipJobService.name);
  private stopped = false;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly repo: ClipRequestRepository,
    private readonly clips: ClipRequestService,
    private readonly cameras: CameraVisibilityService,
    private readonly organisations: OrganisationService,
    private readonly audit: AuditService,
    private readonly signer: ClipSigner,
    private readonly dataSource: DataSource,
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
    @Inject(ANONYMIZER_CLIENT) private readonly anonymizer: ServiceClient,
    private readonly scheduler: SchedulerService,
  ) {
    scheduler.every(JOB, { everyMs: cfg.clips.checkIntervalSec * 1000, run: () => this.round(), failure: 'clip job round failed' });
  }

  onApplicationBootstrap(): void {
    this.clips.onApproved = () => this.kick();
    this.kick();
  }

  /** A round in progress stops between requests (the scheduler waits for it). */
  onModuleDestroy(): void {
    this.stopped = true;
  }

  /** Runs a round now (or right after the current one). */
  kick(): void {
    if (!this.stopped) void this.scheduler.run(JOB);
  }

  /** One pass over the work; also callable from tests. */
  async round(): Promise<void> {
    for (const { id } of await this.repo.findIds(['approved'])) if (!this.stopped) await this.start(id);
    for (const { id } of await this.repo.findIds(['exporting'])) if (!this.stopped) await this.follow(id);
    for (const { id } of await this.repo.findIds(['ready'])) if (!this.stopped) await this.expireIfDue(id);
  }

  private async start(id: string): Promise<void> {
    const r = await this.repo.findById(id);
    if (!r || r.state !== 'approved') return;
    let models: AnonymizerHealth['models'] = [];
    if (r.form === 'anonymized') {
      try {
        models = (await this.anonymizer.send<AnonymizerHealth>(Patterns.anonymizer.health, {}, 3000)).models ?? [];
      } catch (e) {
        this.log.warn(`clip ${id}: anonymizer not reachable, export waits: ${(e as Error).message}`);
        return;
      }
    }
    const claimed = await this.dataSource.transaction(async (m) => {
      const row = await this.repo.lockNextJob(m, "r.id = :id AND r.state = 'approved'", { id });
      if (!row) return null;
      Object.assign(row, {
        state: 'exporting',
        progress: 0,
        etaSec: null,
        error: null,
        exportStartedAt: new Date(),
        exportAttempts: row.exportAttempts + 1,
        anonymizerModels: models.map((x) => ({ name: x.name, file: x.file, sha256: x.sha256 })),
      });
      return this.repo.save(row, m);
    });
    if (claimed) await this.send(claimed);
  }

  /** Asks the media node to export; a refusal fails the request, an unreachable node is retried by follow(). */
  private async send(r: ClipRequestEntity): Promise<void> {
    const req: ClipExportRequest = { clipId: r.id, cameraId: r.cameraId, from: r.startsAt.toISOString(), to: r.endsAt.toISOString(), form: r.form, watermark: clipWatermark(r) };
    try {
      await this.media.send<ClipExportStatus>(Patterns.media.clipExport, req);
    } catch (e) {
      const message = (e as Error).message;
      if (/bad_request|no recording|must be|at most/.test(message)) await this.fail(r.id, `the media node refused the export: ${message}`);
      else this.log.warn(`clip ${r.id}: media node not reachable, will retry: ${message}`);
    }
  }

  private async follow(id: string): Promise<void> {
    const r = await this.repo.findById(id);
    if (!r || r.state !== 'exporting') return;
    let s: ClipExportStatus;
    try {
      s = await this.media.send<ClipExportStatus>(Patterns.media.clipStatus, { clipId: id });
    } catch (e) {
      const message = (e as Error).message;
      if (/not_found|no clip export/.test(message)) return this.restart(r, 'the media node lost the export (restarted?)');
      if (Date.now() - r.updatedAt.getTime() > UNREACHABLE_FAIL_MS) return this.fail(id, `the media node has not answered for ${UNREACHABLE_FAIL_MS / 1000} s: ${message}`);
      return;
    }
    if (s.state === 'failed') return this.fail(id, s.error ?? 'the export failed');
    if (s.state === 'ready') return this.finish(r, s);
    const progress = Math.max(0, Math.min(0.99, s.progress));
    const elapsed = (Date.now() - (r.exportStartedAt ?? r.updatedAt).getTime()) / 1000;
    const etaSec = progress > 0.01 ? Math.round((elapsed * (1 - progress)) / progress) : null;
    await this.dataSource.transaction(async (m) => {
      const row = await this.repo.lockNextJob(m, "r.id = :id AND r.state = 'exporting'", { id });
      if (!row) return;
      Object.assign(row, { progress, etaSec });
      await this.repo.save(row, m);
    });
  }

  private async restart(r: ClipRequestEntity, why: string): Promise<void> {
    if (r.exportAttempts >= this.cfg.clips.maxExportAttempts) return this.fail(r.id, `${why}; given up after ${r.exportAttempts} attempts`);
    this.log.warn(`clip ${r.id}: ${why}; starting it again (attempt ${r.exportAttempts + 1})`);
    const row = await this.dataSource.transaction(async (m) => {
      const x = await this.repo.lockNextJob(m, "r.id = :id AND r.state = 'exporting'", { id: r.id });
      if (!x) return null;
      Object.assign(x, { progress: 0, etaSec: null, exportStartedAt: new Date(), exportAttempts: x.exportAttempts + 1 });
      const saved = await this.repo.save(x, m);
      await this.audit.record(
        {
          actor: SYSTEM_ACTOR,
          operation: 'alteration',
          object: `clip:${x.id}`,
          decision: 'export-restarted',
          justification: why,
          details: { camera: x.cameraId, attempt: x.exportAttempts },
        },
        m,
      );
      return saved;
    });
    if (row) await this.send(row);
  }

  private async fail(id: string, error: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const r = await this.repo.lockNextJob(m, "r.id = :id AND r.state IN ('approved', 'exporting')", { id });
      if (!r) return;
      Object.assign(r, { state: 'failed', error: error.slice(0, 2000), etaSec: null });
      await this.repo.save(r, m);
      await this.audit.record(
        {
          actor: SYSTEM_ACTOR,
          operation: 'alteration',
          object: `clip:${id}`,
          decision: 'failed',
          justification: error.slice(0, 500),
          details: { camera: r.cameraId, attempts: r.exportAttempts },
        },
        m,
      );
    });
    this.log.warn(`clip ${id} failed: ${error}`);
  }

  /** The file is complete: record it, sign the manifest (which lists the audit entries so far, this one included), open the download. */
  private async finish(r: ClipRequestEntity, s: ClipExportStatus): Promise<void> {
    const camera = await this.cameras.findOne(r.cameraId);
    const owner = await this.organisations.findOne(camera.organisationId);
    const earlier = await this.audit.find({ object: `clip:${r.id}`, limit: 1000 });
    await this.dataSource.transaction(async (m) => {
      const row = await this.repo.lockNextJob(m, "r.id = :id AND r.state = 'exporting'", { id: r.id });
      if (!row) return;
      const expiresAt = new Date(Date.now() + this.cfg.clips.downloadDays * DAY_MS);
      const entry = await this.audit.record(
        {
          actor: SYSTEM_ACTOR,
          operation: 'collection',
          object: `clip:${row.id}`,
          decision: 'ready',
          justification: 'clip exported',
          details: {
            camera: row.cameraId,
            form: row.form,
            sha256: s.sha256,
            bytes: s.bytes,
            watermark: clipWatermark(row),
            anonymizerModels: row.anonymizerModels,
            expiresAt: expiresAt.toISOString(),
          },
        },
        m,
      );
      const base = this.cfg.gateway.publicUrl.replace(/\/+$/, '');
      const manifest: ClipManifest = {
        format: 'borderlens.clip-manifest/1',
        requestId: row.id,
        file: { name: `clip-${row.id}.mp4`, sha256: s.sha256!, bytes: s.bytes!, durationSec: s.durationSec ?? null, form: row.form, watermark: clipWatermark(row) },
        camera: { id: camera.id, name: camera.name, kind: camera.kind, owner: { id: owner.id, name: owner.name, country: owner.country }, jurisdiction: camera.jurisdiction },
        range: { from: row.startsAt.toISOString(), to: row.endsAt.toISOString() },
        requester: { user: row.requesterName, name: row.requesterName, organisation: row.requesterOrganisation, country: row.requesterCountry },
        approver: row.decidedBy
          ? { user: row.decidedBy, organisation: row.deciderOrganisation ?? '', decidedAt: row.decidedAt!.toISOString(), reason: row.decisionReason ?? '' }
          : null,
        purpose: { category: row.purpose, justification: row.justification, caseReference: row.caseReference, urgent: row.urgent },
        legalBasis: { reasons: row.legalBasis, rules: row.policyIds, approvalRules: row.approvalPolicyIds, obligations: row.obligations },
        policyVersions: policyVersions([...row.policyIds, ...row.approvalPolicyIds]),
        anonymizer: row.form === 'anonymized' ? { models: row.anonymizerModels } : null,
        audit: [...earlier.filter((e) => e.seq !== entry.seq), entry].sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq))).map(auditRef),
        issuedAt: new Date().toISOString(),
        issuer: base,
        jwksUrl: `${base}/api/v1/clips/jwks`,
      };
      const signed = await this.signer.signManifest(manifest);
      Object.assign(row, { state: 'ready', progress: 1, etaSec: null, sha256: s.sha256, bytes: String(s.bytes), path: s.path ?? null, expiresAt, manifest: signed });
      await this.repo.save(row, m);
    });
  }

  /** Past its download period and not held: the file is erased on the media node, then the request expires (audited erasure). */
  private async expireIfDue(id: string): Promise<void> {
    const r = await this.repo.findById(id);
    if (!r || r.state !== 'ready' || r.legalHold || !r.expiresAt || r.expiresAt.getTime() > Date.now()) return;
    await this.erase(r, 'download period elapsed');
  }

  async erase(r: ClipRequestEntity, why: string): Promise<void> {
    try {
      await this.media.send(Patterns.media.clipDelete, { clipId: r.id });
    } catch (e) {
      this.log.warn(`clip ${r.id}: media node did not erase the file yet (${(e as Error).message}); retrying next round`);
      return;
    }
    await this.dataSource.transaction(async (m) => {
      const row = await this.repo.lockNextJob(m, "r.id = :id AND r.state = 'ready' AND NOT r.legalHold", { id: r.id });
      if (!row) return;
      Object.assign(row, { state: 'expired', path: null });
      await this.repo.save(row, m);
      await this.audit.record(
        {
          actor: SYSTEM_ACTOR,
          operation: 'erasure',
          object: `clip:${row.id}`,
          decision: 'done',
          justification: why,
          details: { camera: row.cameraId, sha256: row.sha256, expiresAt: row.expiresAt?.toISOString() },
        },
        m,
      );
    });
  }
}

function auditRef(e: AuditEntryEntity): ClipManifest['audit'][number] {
  return {
    seq: String(e.seq),
    time: new Date(e.time).toISOString(),
    operation: e.operation,
    actor: e.actorUser,
    organisation: e.actorOrganisation,
    decision: e.decision,
    hash: e.hash,
  };
}
