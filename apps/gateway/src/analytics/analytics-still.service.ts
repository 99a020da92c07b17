import { Inject, Injectable } from '@nestjs/common';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import type { RecordingStill, ServiceClient } from '@borderlens/contracts';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { AuthorizationService, policyIds } from '../policy/authorization.service';
import { RecordingService } from '../recording/recording.service';
import { stillFromMedia } from '../recording/recording-still';
import { MEDIA_CLIENT } from '../transport/transport.module';

/** How far back a still for the zone editor is looked for. */
const STILL_LOOKBACK_MS = 3600_000;

/**
 * The picture the zone and line editor draws on: an anonymized still of the camera's latest
 * recording, for its owner's administrators only (Cedar camera.manage), never for those who merely
 * read its counts. Audited as a consultation.
 */
@Injectable()
export class AnalyticsStillService {
  constructor(
    private readonly cameras: CameraVisibilityService,
    private readonly authz: AuthorizationService,
    private readonly recordings: RecordingService,
    private readonly audit: AuditService,
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
  ) {}

  async still(p: Principal, cameraId: string, width: number): Promise<RecordingStill | null> {
    const camera = await this.cameras.findOne(cameraId);
    const decision = await this.authz.require(p, 'camera.manage', await this.authz.camera(camera), { code: 'analytics_manage_forbidden', object: `camera:${camera.id}` });
    const now = new Date();
    const last = (await this.recordings.ranges(camera.id, new Date(now.getTime() - STILL_LOOKBACK_MS), now)).ranges.at(-1);
    // Nothing recorded lately: the editor draws on an empty frame (no content, not an error).
    if (!last || last.to.getTime() - last.from.getTime() < 1000) return null;
    // A second before the end: the newest segment may still be written.
    const at = new Date(Math.max(last.from.getTime(), last.to.getTime() - 1000));
    const still = await stillFromMedia(this.media, camera.id, at, width);
    await this.audit.record({
      actor: actorOf(p),
      operation: 'consultation',
      object: `camera:${camera.id}`,
      justification: 'drawing analytics zones and lines',
      decision: 'permit',
      policyIds: policyIds(decision),
      details: { action: 'analytics.still', form: 'anonymized', at: at.toISOString(), masked: still.masked },
    });
    return still;
  }
}
