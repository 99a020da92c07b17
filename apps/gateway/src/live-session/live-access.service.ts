import { Injectable } from '@nestjs/common';
import type { Principal } from '@borderlens/auth';
import type { Decision } from '@borderlens/policy';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { IncidentService } from '../incident/incident.service';
import { AuthorizationService } from '../policy/authorization.service';
import { LiveSessionRepository } from './live-session.repository';
import type { CameraAccessDto, LiveSessionEventDto } from './live.dto';

/** A permit, or a deny that only lacks a stated purpose (the viewer can give one). */
function allowed(d: Decision): boolean {
  return d.decision === 'permit' || d.denial === 'purpose-required';
}

/** What a user may watch on each camera they see (the map's colours), and their sessions as they change. */
@Injectable()
export class LiveAccessService {
  constructor(
    private readonly cameras: CameraVisibilityService,
    private readonly incidents: IncidentService,
    private readonly authz: AuthorizationService,
    private readonly liveSessions: LiveSessionRepository,
  ) {}

  async cameraAccess(p: Principal): Promise<CameraAccessDto[]> {
    const principal = await this.authz.principal(p);
    const active = await this.incidents.activeNow();
    const out: CameraAccessDto[] = [];
    for (const camera of await this.cameras.findVisible(p)) {
      const input = await this.authz.camera(camera);
      const covering = this.incidents.covering(camera, active);
      const ctx = { incidents: covering, purpose: '', now: new Date() };
      const raw = this.authz.decide(principal, 'live.raw', input, ctx);
      const anonymized = this.authz.decide(principal, 'live.anonymized', input, ctx);
      const rawNow = allowed(raw) && !raw.obligations.anonymize;
      // As CameraVisibilityService.canSee asks: would an incident of the camera's country covering it open raw video?
      const hypothetical = { id: 'map-check', type: 'any', severity: 5, country: camera.jurisdiction };
      const rawInIncident = this.authz.decide(principal, 'live.raw', input, { incidents: [hypothetical], purpose: 'map' });
      const clip = this.authz.decide(principal, 'clip.request', input, { incidents: covering, purpose: 'map' });
      const access = rawNow ? 'raw' : allowed(anonymized) ? 'anonymized' : allowed(clip) ? 'clip' : 'none';
      const shown = rawNow ? raw : anonymized;
      out.push({
        cameraId: camera.id,
        access,
        purposeRequired: (rawNow ? raw : anonymized).denial === 'purpose-required',
        rawDuringIncident: rawNow || (allowed(rawInIncident) && !rawInIncident.obligations.anonymize),
        incidentIds: covering.map((i) => i.id),
        reasons: shown.reasons,
      });
    }
    return out;
  }

  /** The user's sessions active now or changed since `since`. */
  async sessions(p: Principal, since: Date): Promise<LiveSessionEventDto[]> {
    return (await this.liveSessions.findForUser(p.userId, since)).map((g) => ({
      sessionId: g.id,
      cameraId: g.cameraId,
      form: g.form,
      state: g.state,
      endReason: g.endReason,
      expiresAt: g.expiresAt.toISOString(),
      incidentIds: g.incidentIds ?? [],
    }));
  }
}
