import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import type { RecordingStill, ServiceClient } from '@borderlens/contracts';
import { maxRetentionMonths, retainedFrom, type Action, type Decision } from '@borderlens/policy';
import { AppError } from '../common/app-error';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService, policyIds } from '../policy/authorization.service';
import { MEDIA_CLIENT } from '../transport/transport.module';
import type { RecordingRangesDto } from '../clip/clip.dto';
import { RecordingService } from './recording.service';
import { stillFromMedia } from './recording-still';

const DAY_MS = 86_400_000;
/** Actions that let a user see what a camera recorded (to choose a clip range). */
const BROWSE_ACTIONS: Action[] = ['recording.anonymized', 'recording.raw', 'clip.request'];
/** Purpose stated when browsing: choosing a range is the step before a request, which states its own. */
const BROWSE_PURPOSE = 'choosing a range of recordings';

/** Who may browse a camera's recordings, and anonymized stills from them. */
@Injectable()
export class RecordingAccessService {
  constructor(
    private readonly cameras: CameraVisibilityService,
    private readonly incidents: IncidentService,
    private readonly authz: AuthorizationService,
    private readonly recordings: RecordingService,
    private readonly audit: AuditService,
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
  ) {}

  /** The permitted browse actions on the camera; 404 for a camera the user does not see, 403 when none is permitted. */
  private async permitted(p: Principal, cameraId: string) {
    const camera = await this.cameras.findOneVisible(p, cameraId);
    const principal = await this.authz.principal(p);
    const input = await this.authz.camera(camera);
    const context = { incidents: this.incidents.covering(camera, await this.incidents.activeNow()), purpose: BROWSE_PURPOSE, now: new Date() };
    const decisions = new Map<Action, Decision>();
    for (const a of BROWSE_ACTIONS) decisions.set(a, this.authz.decide(principal, a, input, context));
    const actions = BROWSE_ACTIONS.filter((a) => decisions.get(a)!.decision === 'permit');
    if (!actions.length) {
      const d = decisions.get('clip.request')!;
      await this.authz.recordDecision(p, 'clip.request', d, { operation: 'consultation', object: `camera:${camera.id}`, justification: BROWSE_PURPOSE });
      throw new AppError(HttpStatus.FORBIDDEN, 'recordings_forbidden', 'the rules do not let you see or request recordings of this camera', {
        reasons: d.reasons,
        policies: policyIds(d),
      });
    }
    return {
      camera,
      capMonths: maxRetentionMonths(camera.jurisdiction, input.owner.kind),
      actions,
      decision: decisions.get(actions[0])!,
      crossBorder: principal.country !== camera.jurisdiction,
      country: principal.country,
    };
  }

  async ranges(p: Principal, cameraId: string, from?: Date, to?: Date): Promise<RecordingRangesDto> {
    const { camera, capMonths, actions } = await this.permitted(p, cameraId);
    const now = new Date();
    const kept = retainedFrom(now, camera.retentionDays, capMonths);
    const end = to ?? now;
    const start = from ?? kept;
    if (end <= start) throw AppError.badRequest('range_invalid', 'from must be before to');
    if (end.getTime() - start.getTime() > 366 * DAY_MS) throw AppError.badRequest('range_invalid', 'ask for at most a year at a time');
    const { ranges, gaps } = await this.recordings.ranges(camera.id, start, end);
    const iso = (r: { from: Date; to: Date }) => ({ from: r.from.toISOString(), to: r.to.toISOString() });
    return { cameraId: camera.id, from: start.toISOString(), to: end.toISOString(), retainedFrom: kept.toISOString(), ranges: ranges.map(iso), gaps: gaps.map(iso), actions };
  }

  /** An anonymized still: always anonymized (a preview is never the raw picture), audited as a consultation or a disclosure. */
  async still(p: Principal, cameraId: string, at: Date, width: number): Promise<RecordingStill> {
    const { camera, decision, crossBorder, country } = await this.permitted(p, cameraId);
    if (!(await this.recordings.covers(camera.id, at, new Date(at.getTime() + 1000))))
      throw AppError.badRequest('clip_range_not_recorded', `nothing is recorded at ${at.toISOString()}`);
    const still = await stillFromMedia(this.media, camera.id, at, width);
    await this.audit.record({
      actor: actorOf(p),
      operation: crossBorder ? 'disclosure' : 'consultation',
      object: `camera:${camera.id}`,
      justification: BROWSE_PURPOSE,
      recipient: crossBorder ? `${p.organisation} (${country})` : '',
      decision: 'permit',
      policyIds: policyIds(decision),
      details: { action: 'recording.still', form: 'anonymized', at: at.toISOString(), masked: still.masked },
    });
    return still;
  }
}
