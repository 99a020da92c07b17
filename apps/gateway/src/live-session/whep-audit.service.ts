import { Injectable } from '@nestjs/common';
import { AuditService, type AuditActor } from '@borderlens/audit';
import type { WhepAuditEvent, WhepRefusalEvent, WhepSessionEvent, WhepViewer } from '@borderlens/contracts';
import type { CameraEntity, LiveSessionEntity } from '@borderlens/database';
import { AppError } from '../common/app-error';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { LiveSessionRepository } from './live-session.repository';
import { isUuid } from '../common/validation';

const MAX_EVENTS = 1000;
const str = (v: unknown, max = 300): string => (typeof v === 'string' ? v.slice(0, max) : '');

/**
 * Writes what media nodes report about WHEP into the audit trail: each session's start and end
 * (a consultation, or a disclosure when the viewer is under another country's law than the camera;
 * who, camera, form, grant, incidents, duration) and refused attempts, one entry per cause, viewer
 * and window with their count. Who the viewer was comes from the gateway's own session record when
 * the grant names one; the media node's report is used only where the gateway has none.
 */
@Injectable()
export class WhepAuditService {
  constructor(
    private readonly audit: AuditService,
    private readonly sessions: LiveSessionRepository,
    private readonly cameras: CameraVisibilityService,
  ) {}

  async record(events: unknown): Promise<number> {
    if (!Array.isArray(events) || events.length > MAX_EVENTS) throw AppError.badRequest('events_invalid', `events must be a list of at most ${MAX_EVENTS}`);
    for (const e of events) if (!isEvent(e)) throw AppError.badRequest('events_invalid', 'an event is not a WHEP session or refusal event');
    for (const e of events as WhepAuditEvent[]) {
      if (e.kind === 'refused') await this.refusal(e);
      else await this.session(e);
    }
    return events.length;
  }

  private async session(e: WhepSessionEvent): Promise<void> {
    const g = await this.grant(e.gatewaySession);
    const camera = await this.camera(e.cameraId);
    const actor = actorOf(g, e.viewer);
    const crossBorder = !!camera && actor.country !== camera.jurisdiction;
    await this.audit.record({
      actor,
      operation: crossBorder ? 'disclosure' : 'consultation',
      object: `camera:${str(e.cameraId, 128)}`,
      justification: g?.purpose || str(e.purpose, 2000),
      recipient: crossBorder ? `${actor.organisation} (${actor.country})` : '',
      decision: 'permit',
      policyIds: g?.policyIds ?? [],
      details: {
        event: e.kind === 'start' ? 'whep.session.start' : 'whep.session.end',
        action: e.form === 'raw' ? 'live.raw' : 'live.anonymized',
        form: e.form,
        whepSession: str(e.session, 64),
        ...(e.gatewaySession ? { session: str(e.gatewaySession, 64) } : {}),
        grant: str(e.grant, 64),
        ...(e.grants ? { grants: e.grants.slice(0, 100).map((j) => str(j, 64)) } : {}),
        incidents: g?.incidentIds ?? [],
        at: str(e.at, 40),
        ...(e.kind === 'end' ? { durationSec: Number(e.durationSec) || 0, reason: str(e.reason, 300) } : {}),
        ...(g ? {} : { viewerReportedByMediaNode: true }),
      },
    });
  }

  private async refusal(e: WhepRefusalEvent): Promise<void> {
    const g = await this.grant(e.gatewaySession);
    const cameras = e.cameraIds.slice(0, 5).map((c) => str(c, 128));
    const count = Math.max(1, Math.floor(Number(e.count) || 1));
    await this.audit.record({
      actor: actorOf(g, e.viewer),
      operation: 'consultation',
      object: `camera:${cameras[0] ?? 'unknown'}`,
      justification: `WHEP ${e.request} refused: ${str(e.cause, 64)}${count > 1 ? ` (${count} times)` : ''}`,
      decision: 'deny',
      details: {
        event: 'whep.refused',
        cause: str(e.cause, 64),
        status: Number(e.status) || 0,
        request: e.request,
        count,
        from: str(e.from, 40),
        to: str(e.to, 40),
        cameras,
        ...(e.grant ? { grant: str(e.grant, 64) } : {}),
        ...(e.gatewaySession ? { session: str(e.gatewaySession, 64) } : {}),
        ...(e.viewer.source ? { source: str(e.viewer.source, 64) } : {}),
      },
    });
  }

  private async grant(id: string | undefined): Promise<LiveSessionEntity | null> {
    return id && isUuid(id) ? this.sessions.findById(id) : null;
  }

  private async camera(id: string): Promise<CameraEntity | null> {
    try {
      return await this.cameras.findOne(id);
    } catch {
      return null;
    }
  }
}

/** The viewer as the gateway recorded the session, else as the media node saw the grant, else unknown. */
function actorOf(g: LiveSessionEntity | null, v: WhepViewer): AuditActor {
  if (g) return { user: g.username, organisation: g.organisationId, country: g.country };
  if (v.sub) return { user: str(v.name, 200) || str(v.sub, 200), organisation: str(v.org, 64) || 'unknown', country: str(v.country, 2) || '--' };
  return { user: `unknown (${str(v.source, 64) || 'no address'})`, organisation: 'unknown', country: '--' };
}

function isEvent(e: unknown): e is WhepAuditEvent {
  if (!e || typeof e !== 'object') return false;
  const o = e as Record<string, unknown>;
  const viewerOk = !!o.viewer && typeof o.viewer === 'object';
  if (o.kind === 'refused') return viewerOk && typeof o.cause === 'string' && Array.isArray(o.cameraIds) && ['offer', 'renew', 'delete'].includes(o.request as string);
  return (o.kind === 'start' || o.kind === 'end') && viewerOk && typeof o.session === 'string' && typeof o.cameraId === 'string' && (o.form === 'raw' || o.form === 'anonymized');
}
