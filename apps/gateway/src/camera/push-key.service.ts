import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { AppError } from '../common/app-error';
import { policyIds } from '../policy/authorization.service';
import { CameraRepository } from './camera.repository';
import { assertEnabled, CameraVisibilityService } from './camera-visibility.service';

export function hashPushKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Push keys of drones and mobile units: issued and rotated for their administrators, verified for the media node. Only the hash is kept. */
@Injectable()
export class PushKeyService {
  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly cameras: CameraRepository,
    private readonly visibility: CameraVisibilityService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  /** A new key and the hash to store; the key itself is shown once. */
  issue(): { key: string; hash: string } {
    const key = randomBytes(24).toString('base64url');
    return { key, hash: hashPushKey(key) };
  }

  /** Issues a new push key (the old one stops working at once). */
  async rotate(p: Principal, id: string): Promise<string> {
    const { camera, allowed } = await this.visibility.findManaged(p, id);
    if (camera.ingestType !== 'push') throw AppError.badRequest('camera_not_push', 'only push cameras (drones, mobile units) have push keys');
    const { key, hash } = this.issue();
    camera.pushKeyHash = hash;
    await this.dataSource.transaction(async (m) => {
      await this.cameras.save(camera, m);
      await this.audit.record(
        { actor: actorOf(p), operation: 'alteration', object: `camera:${id}`, decision: 'done', policyIds: policyIds(allowed), justification: 'push key rotated' },
        m,
      );
    });
    return key;
  }

  /** The camera a publisher's key belongs to (for the media node); unknown keys and non-push cameras alike are push_key_not_found, a disabled camera camera_disabled. */
  async verify(key: string): Promise<string> {
    const camera = typeof key === 'string' && key.length >= 16 ? await this.cameras.findByPushKeyHash(hashPushKey(key)) : null;
    if (!camera || camera.ingestType !== 'push') throw AppError.notFound('push_key', '(hidden)');
    assertEnabled(camera);
    return camera.id;
  }

  /**
   * Where a drone publishes with `key`: the media node's push listeners (media.rtmpPort, media.srtPort)
   * on the host of media.publicUrl. Null for a protocol the node does not listen on (port 0).
   */
  urls(key: string): { rtmpUrl: string | null; srtUrl: string | null } {
    const host = new URL(this.cfg.media.publicUrl).host.replace(/:\d+$/, '');
    const m = this.cfg.media;
    return {
      rtmpUrl: m.rtmpPort ? `rtmp://${host}:${m.rtmpPort}/live/${key}` : null,
      srtUrl: m.srtPort ? `srt://${host}:${m.srtPort}?streamid=${key}` : null,
    };
  }
}
