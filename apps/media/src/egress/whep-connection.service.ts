import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnModuleDestroy,
  ServiceUnavailableException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { GrantChange, GrantClaims, ViewForm } from '@borderlens/contracts';
import { LiveService } from '../live/live.service';
import { H264Sender } from './h264-sender';
import { GrantVerifier, refusalOf } from './grant-verifier.service';
import { WhepAuditReporter, type WhepRequest } from './whep-audit';
import { Peer } from './peer';
import { parseOffer, SdpError } from './sdp';

interface WhepConnection {
  id: string;
  cameraId: string;
  /** The latest grant the session runs on (renewals replace it). */
  claims: GrantClaims;
  /** Every grant the session was opened or renewed with: the gateway may end or downgrade any of them. */
  jtis: Set<string>;
  form: ViewForm;
  peer: Peer;
  sender: H264Sender;
  startedAt: number;
  endsAt: number;
  endTimer?: NodeJS.Timeout;
}

export interface WhepConnectionInfo {
  id: string;
  cameraId: string;
  viewer: string;
  form: ViewForm;
  state: string;
  framesSent: number;
  watermark: boolean;
  /** When the session ends unless its grant is renewed (ISO time). */
  endsAt: string;
}

/** What a renewal changed. */
export interface RenewedWhepConnection {
  form: ViewForm;
  watermark: boolean;
  endsAt: string;
}

/**
 * WHEP connections (the media node's side of a live session; a "WHEP session" in RFC 9725): an offer
 * and a grant in, an answer and a connection out; each connection is a viewer of the camera's live
 * pipeline in the form its grant allows, ended when its grant expires, its maximum duration is
 * reached, the gateway revokes it, or the browser goes away. The gateway's live session id reaches
 * it as the grant's `sid`.
 */
@Injectable()
export class WhepConnectionService implements OnModuleDestroy {
  private readonly log = new Logger(WhepConnectionService.name);
  private readonly connections = new Map<string, WhepConnection>();
  /** Recent session attempts per viewer (ms times, the last minute), for the rate limit. */
  private readonly attempts = new Map<string, number[]>();

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly grants: GrantVerifier,
    private readonly live: LiveService,
    private readonly audit: WhepAuditReporter,
  ) {}

  /**
   * Runs a viewer's request; a refusal (401, 403, 429) is reported for the audit trail with its cause
   * and whose grant it was (`note` records the grant once verified), then rethrown.
   */
  private async audited<T>(request: WhepRequest, cameraId: string, source: string | undefined, fn: (note: (c: GrantClaims) => void) => Promise<T>): Promise<T> {
    let claims: GrantClaims | undefined;
    try {
      return await fn((c) => (claims = c));
    } catch (e) {
      if (e instanceof HttpException && [401, 403, 429].includes(e.getStatus())) {
        const r = refusalOf(e);
        const code = (e.getResponse() as { code?: string }).code;
        this.audit.refused(r.cause ?? code ?? `http_${e.getStatus()}`, e.getStatus(), request, cameraId, r.claims ?? claims, source);
      }
      throw e;
    }
  }

  create(cameraId: string, offer: string, authorization: string | undefined, requested?: ViewForm, source?: string): Promise<{ id: string; answer: string }> {
    const t0 = Date.now();
    return this.audited('offer', cameraId, source, async (note) => {
      const { claims, form } = await this.grants.authorize(authorization, cameraId, requested);
      note(claims);
      this.checkLimits(claims);
      return this.open(cameraId, offer, claims, form, t0);
    });
  }

  private async open(cameraId: string, offer: string, claims: GrantClaims, form: ViewForm, t0: number): Promise<{ id: string; answer: string }> {
    const authorized = Date.now();
    let video;
    try {
      video = parseOffer(offer);
    } catch (e) {
      if (e instanceof SdpError) throw new BadRequestException({ code: 'sdp_invalid', message: e.message });
      throw e;
    }
    const id = randomUUID();
    const m = this.cfg.media;
    let peer: Peer;
    let answer: string;
    try {
      ({ peer, answer } = await Peer.answer(`whep-${id}`, offer, video, {
        iceServers: m.iceServers,
        bindAddress: m.iceBindAddress || undefined,
        portRangeBegin: m.icePortMin || undefined,
        portRangeEnd: m.icePortMax || undefined,
      }));
    } catch (e) {
      throw new BadRequestException({ code: 'sdp_invalid', message: `the offer could not be answered: ${(e as Error).message}` });
    }
    const answered = Date.now();
    const sender = new H264Sender(peer);
    // The first pictures wait in the sender for the connection; they go out the moment it opens.
    peer.onOpen(() => {
      sender.flush();
      this.log.log(`WHEP connection ${id}: connected ${Date.now() - t0} ms after the offer, ${sender.frames} frame(s) sent at once`);
    });
    const session: WhepConnection = { id, cameraId, claims, jtis: new Set([claims.jti]), form, peer, sender, startedAt: Date.now(), endsAt: claims.exp * 1000 };
    this.connections.set(id, session);
    peer.onClosed(() => this.end(id, 'connection closed'));
    try {
      await this.live.join(cameraId, { id, sink: sender, form, watermark: claims.obligations?.watermark ? this.identity(claims) : undefined });
    } catch (e) {
      this.connections.delete(id);
      peer.close();
      const msg = (e as Error).message;
      if (/not.?found|unknown/i.test(msg)) throw new NotFoundException({ code: 'camera_not_found', message: `camera ${cameraId} is not known` });
      throw new ServiceUnavailableException({ code: 'camera_unavailable', message: `camera ${cameraId} cannot be served now: ${msg}` });
    }
    this.scheduleEnd(session);
    this.audit.started(session);
    this.log.log(
      `WHEP connection ${id}: ${claims.sub} watches ${cameraId} (${form}${claims.obligations?.watermark ? ', watermarked' : ''}); answered in ${Date.now() - t0} ms (grant ${authorized - t0}, ICE ${answered - authorized}, pipeline ${Date.now() - answered})`,
    );
    return { id, answer };
  }

  /**
   * A viewer ends a session with the grant it was opened (or renewed) with: a session id alone, seen
   * in a log or a Location header, ends nobody's video. False when there is no such session.
   */
  deleteWithGrant(cameraId: string, id: string, authorization: string | undefined, source?: string): Promise<boolean> {
    return this.audited('delete', cameraId, source, async (note) => {
      const claims = await this.grants.verify(authorization);
      note(claims);
      const s = this.connections.get(id);
      if (!s || s.cameraId !== cameraId) return false;
      if (!s.jtis.has(claims.jti)) throw new ForbiddenException({ code: 'grant_other_session', message: 'the grant did not open this WHEP connection' });
      return this.delete(cameraId, id);
    });
  }

  /** Ends a session (the viewer, a test, shutdown); false when there is no such session for that camera. */
  delete(cameraId: string, id: string): boolean {
    const s = this.connections.get(id);
    if (!s || s.cameraId !== cameraId) return false;
    this.end(id, 'ended by the viewer');
    return true;
  }

  /**
   * Refuses (429) a viewer over the attempt rate, a grant already holding its sessions, and a viewer
   * already holding theirs: one leaked grant or one account cannot take the node's capacity.
   */
  private checkLimits(claims: GrantClaims): void {
    const m = this.cfg.media;
    const now = Date.now();
    const recent = (this.attempts.get(claims.sub) ?? []).filter((t) => t > now - 60_000);
    recent.push(now);
    this.attempts.set(claims.sub, recent);
    if (this.attempts.size > 10_000) for (const [sub, ts] of this.attempts) if (ts.every((t) => t <= now - 60_000)) this.attempts.delete(sub);
    const tooMany = (code: string, message: string) => new HttpException({ code, message }, HttpStatus.TOO_MANY_REQUESTS);
    if (recent.length > m.sessionAttemptsPerMinute) {
      throw tooMany('session_attempts_exceeded', `at most ${m.sessionAttemptsPerMinute} session attempts per minute; try again shortly`);
    }
    const open = [...this.connections.values()];
    const sameGrant = open.filter((s) => s.jtis.has(claims.jti) || (claims.sid !== undefined && s.claims.sid === claims.sid)).length;
    if (sameGrant >= m.maxSessionsPerGrant) throw tooMany('grant_sessions_exceeded', `this grant already has ${sameGrant} open session(s); end one first`);
    const sameUser = open.filter((s) => s.claims.sub === claims.sub).length;
    if (sameUser >= m.maxSessionsPerUser) throw tooMany('user_sessions_exceeded', `you already have ${sameUser} open sessions on this media node; end one first`);
  }

  /**
   * A renewed grant for a running session (the viewer renewed it at the gateway, which decided again):
   * the session goes on under it. It must be for the same camera, viewer and gateway session; it never
   * upgrades the session (an anonymized session stays anonymized), but it can downgrade it and add a
   * watermark, the strictest obligation winning.
   */
  renew(cameraId: string, id: string, authorization: string | undefined, source?: string): Promise<RenewedWhepConnection> {
    return this.audited('renew', cameraId, source, (note) => this.renewSession(cameraId, id, authorization, note));
  }

  private async renewSession(cameraId: string, id: string, authorization: string | undefined, note: (c: GrantClaims) => void): Promise<RenewedWhepConnection> {
    const s = this.connections.get(id);
    if (!s || s.cameraId !== cameraId) throw new NotFoundException({ code: 'session_not_found', message: 'no such WHEP connection' });
    const { claims, form } = await this.grants.authorize(authorization, cameraId);
    note(claims);
    if (claims.sub !== s.claims.sub || claims.sid !== s.claims.sid) {
      throw new ForbiddenException({ code: 'grant_other_session', message: 'the grant was issued for another viewer or session' });
    }
    // The session may have ended while the grant was being checked.
    if (this.connections.get(id) !== s) throw new NotFoundException({ code: 'session_not_found', message: 'no such WHEP connection' });
    const before = s.claims.obligations ?? {};
    const watermark = !!(before.watermark || claims.obligations?.watermark);
    const maxDurationSec = Math.min(before.maxDurationSec ?? Infinity, claims.obligations?.maxDurationSec ?? Infinity);
    const next: ViewForm = s.form === 'raw' && form === 'raw' ? 'raw' : 'anonymized';
    const changed = next !== s.form || watermark !== !!before.watermark;
    s.claims = { ...claims, obligations: { ...claims.obligations, watermark, ...(Number.isFinite(maxDurationSec) ? { maxDurationSec } : {}) } };
    s.jtis.add(claims.jti);
    if (changed) {
      s.form = next;
      this.live.update(cameraId, id, { form: next, watermark: watermark ? this.identity(claims) : undefined });
      this.log.log(`WHEP connection ${id} renewed as ${next}${watermark ? ', watermarked' : ''}`);
    }
    clearTimeout(s.endTimer);
    const endsAt = this.scheduleEnd(s);
    return { form: s.form, watermark, endsAt: new Date(endsAt).toISOString() };
  }

  /** A grant was revoked or downgraded by the gateway: end or switch its sessions now. */
  grantChanged(change: GrantChange): { sessions: number } {
    let n = 0;
    let exp: number | undefined;
    for (const s of [...this.connections.values()]) {
      if (!s.jtis.has(change.jti)) continue;
      n++;
      exp = s.claims.exp;
      if (change.action === 'end') this.end(s.id, `grant revoked: ${change.reason}`);
      else if (s.form === 'raw') {
        s.form = 'anonymized';
        this.live.update(s.cameraId, s.id, { form: 'anonymized' });
        this.log.log(`WHEP connection ${s.id} downgraded to anonymized: ${change.reason}`);
      }
    }
    this.grants.record(change, exp);
    return { sessions: n };
  }

  list(): WhepConnectionInfo[] {
    return [...this.connections.values()].map((s) => ({
      id: s.id,
      cameraId: s.cameraId,
      viewer: s.claims.sub,
      form: s.form,
      state: s.peer.state,
      framesSent: s.peer.framesSent,
      watermark: !!s.claims.obligations?.watermark,
      endsAt: new Date(s.endsAt).toISOString(),
    }));
  }

  onModuleDestroy(): void {
    for (const id of [...this.connections.keys()]) this.end(id, 'media node stopping');
  }

  private identity(c: GrantClaims): string {
    return `${c.name || c.sub} ${c.org}`.trim();
  }

  /** Ends the session at its grant's expiry or its maximum duration, whichever comes first; returns when. */
  private scheduleEnd(s: WhepConnection): number {
    const expMs = s.claims.exp * 1000;
    const maxMs = s.claims.obligations?.maxDurationSec ? s.startedAt + s.claims.obligations.maxDurationSec * 1000 : Infinity;
    const at = Math.min(expMs, maxMs);
    const reason = at === expMs ? 'grant expired' : 'maximum duration reached';
    s.endsAt = at;
    s.endTimer = setTimeout(() => this.end(s.id, reason), Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)));
    return at;
  }

  private end(id: string, reason: string): void {
    const s = this.connections.get(id);
    if (!s) return;
    this.connections.delete(id);
    clearTimeout(s.endTimer);
    this.live.leave(s.cameraId, id);
    s.peer.close();
    this.audit.ended(s, reason);
    this.log.log(`WHEP connection ${id} ended: ${reason}`);
  }
}
