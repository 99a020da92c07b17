import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Subject } from 'rxjs';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CameraEntity } from '@borderlens/database';
import { defaultSharing, maxRetentionDays, maxRetentionMonths, RETENTION_CAPS, type Decision, type SharingLevel } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { OrganisationService } from '../organisation/organisation.service';
import { policyIds } from '../policy/authorization.service';
import { CreateCameraDto, DisableCameraDto, SetSharingDto, UpdateCameraDto } from './camera.dto';
import { CameraRepository } from './camera.repository';
import { CameraAddressService } from './camera-address.service';
import { CameraMediaService } from './camera-media.service';
import { CameraVisibilityService } from './camera-visibility.service';

/** A camera's sharing level changed: running sessions on it are decided again. */
export interface SharingChange {
  cameraId: string;
  from: SharingLevel;
  to: SharingLevel;
}

/** A camera was disabled or enabled: running sessions on it are decided again (a disabled camera ends them). */
export interface DisabledChange {
  cameraId: string;
  disabled: boolean;
}

/** Managing cameras: register, change, share, delete; each change audited. Finding them is CameraVisibilityService's. */
@Injectable()
export class CameraService {
  readonly sharingChanges = new Subject<SharingChange>();
  readonly disabledChanges = new Subject<DisabledChange>();

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly cameras: CameraRepository,
    private readonly visibility: CameraVisibilityService,
    private readonly addresses: CameraAddressService,
    private readonly media: CameraMediaService,
    private readonly organisations: OrganisationService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

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
    const allowed = await this.visibility.assertCanManage(p, { ...camera, id: 'new' });
    // An explicit retention above the statutory cap is refused; the configured default is lowered to it.
    const cap = maxRetentionDays(camera.jurisdiction, org.kind);
    camera.retentionDays = dto.retentionDays ?? Math.min(this.cfg.cameras.defaultRetentionDays, cap ?? Infinity);
    this.checkRetention(camera, org.kind);
    camera.recordingEnabled = dto.recordingEnabled ?? true;
    camera.redactionMethod = dto.redactionMethod ?? null;
    camera.state = 'offline';
    camera.stateReason = null;
    const pushKey = await this.addresses.applyIngest(camera, dto.ingest);
    const saved = await this.dataSource.transaction(async (m) => {
      const c = await this.cameras.save(camera, m);
      await this.audit.record(
        {
          actor: actorOf(p),
          operation: 'collection',
          object: `camera:${c.id}`,
          decision: 'done',
          policyIds: policyIds(allowed),
          justification: 'camera registered',
          details: { name: c.name, organisation: c.organisationId, ingest: c.ingestType, sharing: c.sharing },
        },
        m,
      );
      return c;
    });
    return { camera: saved, pushKey };
  }

  async update(p: Principal, id: string, dto: UpdateCameraDto): Promise<CameraEntity> {
    const { camera } = await this.visibility.findManaged(p, id);
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
    const allowed = await this.visibility.assertCanManage(p, camera);
    this.checkRetention(camera, (await this.organisations.findOne(camera.organisationId)).kind);
    if (dto.ingest !== undefined) {
      if (dto.ingest.type === 'push' && camera.ingestType === 'push' && !dto.ingest.protocol) dto.ingest.protocol = camera.pushProtocol ?? undefined;
      await this.addresses.applyIngest(camera, dto.ingest, camera.pushKeyHash);
    }
    return this.saveAltered(p, camera, allowed, 'camera settings changed', { fields: changed });
  }

  /** The owner's decision on what the camera shares; audited with the reason, then running sessions are decided again. */
  async setSharing(p: Principal, id: string, dto: SetSharingDto): Promise<CameraEntity> {
    const { camera, allowed } = await this.visibility.findManaged(p, id);
    const from = camera.sharing;
    camera.sharing = dto.sharing;
    const saved = await this.saveAltered(p, camera, allowed, dto.reason.trim(), { change: 'sharing', from, to: camera.sharing });
    if (from !== saved.sharing) this.sharingChanges.next({ cameraId: saved.id, from, to: saved.sharing });
    return saved;
  }

  /**
   * The owner's administrators disable a camera (or enable it again), with a reason, audited as an
   * alteration. Disabled: media nodes stop ingesting it, its live sessions end, new ones and new clip
   * requests are refused (camera_disabled); its recordings stay under retention.
   */
  async setDisabled(p: Principal, id: string, disabled: boolean, dto: DisableCameraDto): Promise<CameraEntity> {
    const { camera, allowed } = await this.visibility.findManaged(p, id);
    if (Boolean(camera.disabledAt) === disabled) return camera;
    camera.disabledAt = disabled ? new Date() : null;
    camera.disabledReason = disabled ? dto.reason.trim() : null;
    const saved = await this.saveAltered(p, camera, allowed, dto.reason.trim(), { change: disabled ? 'disabled' : 'enabled' });
    await this.media.tellDisabled(saved.id, disabled);
    this.disabledChanges.next({ cameraId: saved.id, disabled });
    return saved;
  }

  /** Saves a changed camera and its audit entry (an alteration) in one transaction. */
  private saveAltered(p: Principal, camera: CameraEntity, allowed: Decision, justification: string, details: Record<string, unknown>): Promise<CameraEntity> {
    return this.dataSource.transaction(async (m) => {
      const c = await this.cameras.save(camera, m);
      await this.audit.record({ actor: actorOf(p), operation: 'alteration', object: `camera:${c.id}`, decision: 'done', policyIds: policyIds(allowed), justification, details }, m);
      return c;
    });
  }

  async remove(p: Principal, id: string): Promise<void> {
    const { camera, allowed } = await this.visibility.findManaged(p, id);
    try {
      await this.dataSource.transaction(async (m) => {
        await this.cameras.remove(id, m);
        await this.audit.record(
          {
            actor: actorOf(p),
            operation: 'erasure',
            object: `camera:${id}`,
            decision: 'done',
            policyIds: policyIds(allowed),
            justification: 'camera deleted',
            details: { name: camera.name },
          },
          m,
        );
      });
    } catch (e) {
      // foreign_key_violation, or restrict_violation on newer PostgreSQL
      if (['23503', '23001'].includes((e as { code?: string }).code ?? '')) {
        throw AppError.conflict('camera_has_data', 'the camera still has recordings or clip requests; disable recording and let retention remove them first');
      }
      throw e;
    }
  }

  /** Statutory caps on retention (e.g. Polish municipal CCTV: 3 calendar months, Art. 9a of the act on municipal self-government). */
  private checkRetention(camera: CameraEntity, ownerKind: Parameters<typeof maxRetentionDays>[1]): void {
    const cap = maxRetentionDays(camera.jurisdiction, ownerKind);
    if (cap === undefined || camera.retentionDays <= cap) return;
    const maxMonths = maxRetentionMonths(camera.jurisdiction, ownerKind);
    const source = RETENTION_CAPS.find((c) => c.jurisdiction === camera.jurisdiction && c.ownerKinds.includes(ownerKind) && c.maxMonths === maxMonths)?.source.en;
    throw AppError.badRequest(
      'retention_exceeds_cap',
      `recordings of a ${ownerKind} camera under ${camera.jurisdiction} law may be kept at most ${maxMonths} months (each recording is deleted ${maxMonths} calendar months after it was made, ${cap} days at the longest)${source ? ` (${source})` : ''}; got ${camera.retentionDays} days`,
      { maxDays: cap, maxMonths, source },
    );
  }
}
