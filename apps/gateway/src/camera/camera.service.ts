import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Subject } from 'rxjs';
import { CONFIG, cameraNetworkPolicy, CameraNetworkPolicy, encryptionKey, type BorderlensConfig } from '@borderlens/config';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CameraEntity } from '@borderlens/database';
import type { CameraIngestInfo, CameraStateReport } from '@borderlens/contracts';
import { ACTION_RESOURCES, ACTIONS, defaultSharing, maxRetentionDays, maxRetentionMonths, RETENTION_CAPS, type Action, type CameraInput, type Decision, type PrincipalInput, type SharingLevel } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { OrganisationService } from '../organisation/organisation.service';
import { AuthorizationService, policyIds } from '../policy/authorization.service';
import { CreateCameraDto, IngestDto, SetSharingDto, UpdateCameraDto } from './camera.dto';
import { CameraRepository } from './camera.repository';
import { CredentialsCipher } from './credentials-cipher';
import { HostResolver } from './host-resolver';
import { isUuid } from '../common/validation';

/**
 * Actions tried to decide whether a user sees a camera, most often permitted first (the check stops
 * at the first permit): every action on cameras.
 */
const VISIBILITY_ACTIONS: Action[] = ['live.anonymized', 'clip.request', 'camera.manage', 'audit.read', 'analytics.view', 'recording.anonymized', 'live.raw', 'recording.raw'];
if (VISIBILITY_ACTIONS.length !== ACTIONS.filter((a) => ACTION_RESOURCES[a].includes('Camera')).length) throw new Error('VISIBILITY_ACTIONS must list every camera action');

/** A camera's sharing level changed: running sessions on it are decided again. */
export interface SharingChange {
  cameraId: string;
  from: SharingLevel;
  to: SharingLevel;
}

export function hashPushKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

@Injectable()
export class CameraService {
  private readonly network: CameraNetworkPolicy;
  private readonly cipher: CredentialsCipher;
  readonly sharingChanges = new Subject<SharingChange>();

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly cameras: CameraRepository,
    private readonly organisations: OrganisationService,
    private readonly audit: AuditService,
    private readonly resolver: HostResolver,
    private readonly dataSource: DataSource,
    private readonly authz: AuthorizationService,
  ) {
    this.network = cameraNetworkPolicy(cfg);
    this.cipher = new CredentialsCipher(encryptionKey(cfg));
  }

  findAll(): Promise<CameraEntity[]> {
    return this.cameras.findAll();
  }

  /** The cameras the user sees: those on which some action could be permitted to them (see canSee). */
  async findVisible(p: Principal): Promise<CameraEntity[]> {
    const principal = await this.authz.principal(p);
    // Cameras alike for the rules (same owner, jurisdiction and kind, unless the rules read more) share one answer.
    const reads = this.authz.cameraDetailsRead();
    const answers = new Map<string, boolean>();
    const visible: CameraEntity[] = [];
    for (const c of await this.cameras.findAll()) {
      const key = [c.organisationId, c.jurisdiction, c.kind, c.sharing, ...(reads.position ? [c.latitude, c.longitude] : []), ...(reads.id ? [c.id] : [])].join('|');
      let seen = answers.get(key);
      if (seen === undefined) answers.set(key, (seen = this.canSee(principal, await this.authz.camera(c))));
      if (seen) visible.push(c);
    }
    return visible;
  }

  /** One camera, if the user sees it (404 otherwise, so that cameras hidden from them stay unknown). */
  async findOneVisible(p: Principal, id: string): Promise<CameraEntity> {
    const camera = await this.findOne(id);
    if (!this.canSee(await this.authz.principal(p), await this.authz.camera(camera))) throw AppError.notFound('camera', id);
    return camera;
  }

  /**
   * Whether some action on the camera could be permitted to the user: now or during an incident
   * covering it, with a purpose stated. Answers repeat across cameras, so the engine's answer cache
   * serves most of them.
   */
  canSee(principal: PrincipalInput, camera: CameraInput): boolean {
    const incident = { id: 'visibility-check', type: 'any', severity: 5, country: camera.jurisdiction };
    for (const incidents of [[incident], []]) {
      for (const action of VISIBILITY_ACTIONS) {
        if (this.authz.decide(principal, action, camera, { incidents, purpose: 'visibility check' }).decision === 'permit') return true;
      }
    }
    return false;
  }

  async findOne(id: string): Promise<CameraEntity> {
    const camera = isUuid(id) ? await this.cameras.findById(id) : null;
    if (!camera) throw AppError.notFound('camera', id);
    return camera;
  }

  async create(p: Principal, dto: CreateCameraDto): Promise<{ camera: CameraEntity; pushKey?: string }> {
    const organisationId = dto.organisationId ?? p.organisation;
    const org = await this.organisations.findOne(organisationId);
    const camera = new CameraEntity();
    camera.organisationId = org.id;
    camera.name = dto.name.trim();
    camera.jurisdiction = dto.jurisdiction ?? org.country;
    camera.kind = dto.kind;
    camera.latitude = dto.latitude;
    camera.longitude = dto.longitude;
    camera.sharing = dto.sharing ?? defaultSharing(org.kind);
    const allowed = await this.assertCanManage(p, { ...camera, id: 'new' });
    // An explicit retention above the statutory cap is refused; the configured default is lowered to it.
    const cap = maxRetentionDays(camera.jurisdiction, org.kind);
    camera.retentionDays = dto.retentionDays ?? Math.min(this.cfg.cameras.defaultRetentionDays, cap ?? Infinity);
    this.checkRetention(camera, org.kind);
    camera.recordingEnabled = dto.recordingEnabled ?? true;
    camera.redactionMethod = dto.redactionMethod ?? null;
    camera.state = 'offline';
    camera.stateReason = null;
    const pushKey = await this.applyIngest(camera, dto.ingest);
    const saved = await this.dataSource.transaction(async (m) => {
      const c = await this.cameras.save(camera, m);
      await this.audit.record({ actor: actorOf(p), operation: 'collection', object: `camera:${c.id}`, decision: 'done', policyIds: policyIds(allowed), justification: 'camera registered', details: { name: c.name, organisation: c.organisationId, ingest: c.ingestType, sharing: c.sharing } }, m);
      return c;
    });
    return { camera: saved, pushKey };
  }

  async update(p: Principal, id: string, dto: UpdateCameraDto): Promise<CameraEntity> {
    const camera = await this.findOne(id);
    await this.assertCanManage(p, camera);
    if (dto.organisationId !== undefined && dto.organisationId !== camera.organisationId) {
      throw AppError.badRequest('camera_owner_immutable', 'the owner organisation of a camera cannot be changed');
    }
    const changed = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
    if (dto.name !== undefined) camera.name = dto.name.trim();
    if (dto.jurisdiction !== undefined) camera.jurisdiction = dto.jurisdiction;
    if (dto.kind !== undefined) camera.kind = dto.kind;
    if (dto.latitude !== undefined) camera.latitude = dto.latitude;
    if (dto.longitude !== undefined) camera.longitude = dto.longitude;
    if (dto.retentionDays !== undefined) camera.retentionDays = dto.retentionDays;
    if (dto.recordingEnabled !== undefined) camera.recordingEnabled = dto.recordingEnabled;
    if (dto.redactionMethod !== undefined) camera.redactionMethod = dto.redactionMethod;
    // Decided again on the camera as it will be (e.g. under another jurisdiction).
    const allowed = await this.assertCanManage(p, camera);
    this.checkRetention(camera, (await this.organisations.findOne(camera.organisationId)).kind);
    if (dto.ingest !== undefined) {
      if (dto.ingest.type === 'push' && camera.ingestType === 'push' && !dto.ingest.protocol) dto.ingest.protocol = camera.pushProtocol ?? undefined;
      await this.applyIngest(camera, dto.ingest, camera.pushKeyHash);
    }
    return this.dataSource.transaction(async (m) => {
      const c = await this.cameras.save(camera, m);
      await this.audit.record({ actor: actorOf(p), operation: 'alteration', object: `camera:${c.id}`, decision: 'done', policyIds: policyIds(allowed), justification: 'camera settings changed', details: { fields: changed } }, m);
      return c;
    });
  }

  /** The owner's decision on what the camera shares; audited with the reason, then running sessions are decided again. */
  async setSharing(p: Principal, id: string, dto: SetSharingDto): Promise<CameraEntity> {
    const camera = await this.findOne(id);
    const allowed = await this.assertCanManage(p, camera);
    const from = camera.sharing;
    camera.sharing = dto.sharing;
    const saved = await this.dataSource.transaction(async (m) => {
      const c = await this.cameras.save(camera, m);
      await this.audit.record({ actor: actorOf(p), operation: 'alteration', object: `camera:${c.id}`, decision: 'done', policyIds: policyIds(allowed), justification: dto.reason.trim(), details: { change: 'sharing', from, to: c.sharing } }, m);
      return c;
    });
    if (from !== saved.sharing) this.sharingChanges.next({ cameraId: saved.id, from, to: saved.sharing });
    return saved;
  }

  async remove(p: Principal, id: string): Promise<void> {
    const camera = await this.findOne(id);
    const allowed = await this.assertCanManage(p, camera);
    try {
      await this.dataSource.transaction(async (m) => {
        await this.cameras.remove(id, m);
        await this.audit.record({ actor: actorOf(p), operation: 'erasure', object: `camera:${id}`, decision: 'done', policyIds: policyIds(allowed), justification: 'camera deleted', details: { name: camera.name } }, m);
      });
    } catch (e) {
      // foreign_key_violation, or restrict_violation on newer PostgreSQL
      if (['23503', '23001'].includes((e as { code?: string }).code ?? '')) {
        throw AppError.conflict('camera_has_data', 'the camera still has recordings or clip requests; disable recording and let retention remove them first');
      }
      throw e;
    }
  }

  /** Issues a new push key (the old one stops working at once). */
  async rotatePushKey(p: Principal, id: string): Promise<string> {
    const camera = await this.findOne(id);
    const allowed = await this.assertCanManage(p, camera);
    if (camera.ingestType !== 'push') throw AppError.badRequest('camera_not_push', 'only push cameras (drones, mobile units) have push keys');
    const key = newPushKey();
    camera.pushKeyHash = hashPushKey(key);
    await this.dataSource.transaction(async (m) => {
      await this.cameras.save(camera, m);
      await this.audit.record({ actor: actorOf(p), operation: 'alteration', object: `camera:${id}`, decision: 'done', policyIds: policyIds(allowed), justification: 'push key rotated' }, m);
    });
    return key;
  }

  // ---- for media nodes (transport) ----

  async ingestInfo(id: string): Promise<CameraIngestInfo> {
    return this.toIngestInfo(await this.findOne(id));
  }

  async camerasToRecord(): Promise<CameraIngestInfo[]> {
    return (await this.cameras.findRecording()).map((c) => this.toIngestInfo(c));
  }

  async reportState(r: CameraStateReport): Promise<void> {
    if (!isUuid(r.cameraId) || !(await this.cameras.setState(r.cameraId, r.state, r.reason?.slice(0, 1000) ?? null))) {
      throw AppError.notFound('camera', String(r.cameraId));
    }
  }

  async resolvePushKey(key: string): Promise<string> {
    const camera = typeof key === 'string' && key.length >= 16 ? await this.cameras.findByPushKeyHash(hashPushKey(key)) : null;
    if (!camera || camera.ingestType !== 'push') throw AppError.notFound('push_key', '(hidden)');
    return camera.id;
  }

  private toIngestInfo(c: CameraEntity): CameraIngestInfo {
    let ingest: CameraIngestInfo['ingest'];
    if (c.ingestType === 'rtsp') {
      const url = new URL(c.rtspUrl!);
      if (c.credentialsEncrypted) {
        const creds = this.cipher.decrypt(c.credentialsEncrypted);
        const i = creds.indexOf(':');
        url.username = encodeURIComponent(decodeURIComponent(i < 0 ? creds : creds.slice(0, i)));
        if (i >= 0) url.password = encodeURIComponent(decodeURIComponent(creds.slice(i + 1)));
      }
      ingest = { type: 'rtsp', url: url.toString(), rtspTransport: c.rtspTransport };
    } else {
      ingest = { type: 'push', protocol: c.pushProtocol ?? 'rtmp' };
    }
    return { id: c.id, name: c.name, kind: c.kind, ingest, recordingEnabled: c.recordingEnabled, retentionDays: c.retentionDays, redaction: { method: c.redactionMethod ?? undefined } };
  }

  /** Cedar `camera.manage` (by default: administrators of the owner organisation). */
  private async assertCanManage(p: Principal, camera: CameraEntity): Promise<Decision> {
    return this.authz.require(p, 'camera.manage', await this.authz.camera(camera), { code: 'camera_manage_forbidden', object: `camera:${camera.id}` });
  }

  /** Statutory caps on retention (e.g. Polish municipal CCTV: 3 calendar months, Art. 9a of the act on municipal self-government). */
  private checkRetention(camera: CameraEntity, ownerKind: Parameters<typeof maxRetentionDays>[1]): void {
    const cap = maxRetentionDays(camera.jurisdiction, ownerKind);
    if (cap === undefined || camera.retentionDays <= cap) return;
    const maxMonths = maxRetentionMonths(camera.jurisdiction, ownerKind);
    const source = RETENTION_CAPS.find((c) => c.jurisdiction === camera.jurisdiction && c.ownerKinds.includes(ownerKind) && c.maxMonths === maxMonths)?.source;
    throw AppError.badRequest(
      'retention_exceeds_cap',
      `recordings of a ${ownerKind} camera under ${camera.jurisdiction} law may be kept at most ${maxMonths} months (each recording is deleted ${maxMonths} calendar months after it was made, ${cap} days at the longest)${source ? ` (${source})` : ''}; got ${camera.retentionDays} days`,
      { maxDays: cap, maxMonths, source },
    );
  }

  /** Validates and applies ingest settings; returns a new push key when one is issued. */
  private async applyIngest(camera: CameraEntity, ingest: IngestDto, existingKeyHash: string | null = null): Promise<string | undefined> {
    if (ingest.type === 'rtsp') {
      if (!ingest.url) throw AppError.badRequest('camera_url_required', 'an rtsp camera needs ingest.url');
      if (ingest.protocol) throw AppError.badRequest('camera_ingest_invalid', 'ingest.protocol applies to push cameras only');
      const { url, credentials } = await this.checkRtspUrl(ingest.url);
      camera.ingestType = 'rtsp';
      camera.rtspUrl = url;
      camera.rtspTransport = ingest.rtspTransport ?? 'tcp';
      camera.credentialsEncrypted = credentials ? this.cipher.encrypt(credentials) : null;
      camera.pushProtocol = null;
      camera.pushKeyHash = null;
      return undefined;
    }
    if (ingest.url) throw AppError.badRequest('camera_ingest_invalid', 'a push camera has no ingest.url; it publishes with its push key');
    camera.ingestType = 'push';
    camera.pushProtocol = ingest.protocol ?? 'rtmp';
    camera.rtspUrl = null;
    camera.credentialsEncrypted = null;
    if (existingKeyHash) return undefined;
    const key = newPushKey();
    camera.pushKeyHash = hashPushKey(key);
    return key;
  }

  /** rtsp/rtsps only; every address the host resolves to must be an allowed camera network. */
  private async checkRtspUrl(raw: string): Promise<{ url: string; credentials: string | null }> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw AppError.badRequest('camera_url_invalid', 'ingest.url is not a valid URL');
    }
    if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:') {
      throw AppError.badRequest('camera_url_scheme', 'ingest.url must use rtsp:// or rtsps://');
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!host) throw AppError.badRequest('camera_url_invalid', 'ingest.url has no host');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.resolver.resolve(host);
    } catch {
      throw AppError.badRequest('camera_host_unresolvable', `camera host '${host}' cannot be resolved`);
    }
    const port = Number(url.port || (url.protocol === 'rtsps:' ? 322 : 554));
    for (const a of addresses) {
      const why = this.network.refusal(a, port);
      if (why) throw AppError.badRequest('camera_network_refused', `camera host '${host}' refused: ${why}`);
    }
    const credentials = url.username || url.password ? `${url.username}:${url.password}` : null;
    url.username = '';
    url.password = '';
    return { url: url.toString(), credentials };
  }
}

function newPushKey(): string {
  return randomBytes(24).toString('base64url');
}
