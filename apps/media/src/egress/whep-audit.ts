import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { GrantClaims, ViewForm, WhepAuditEvent, WhepRefusalEvent, WhepSessionEvent, WhepViewer } from '@borderlens/contracts';
import { GatewayPort } from '../transport/ports';

/** Events waiting for the gateway; beyond this the oldest are dropped (and the drop logged). */
const MAX_QUEUED = 10_000;
/** Refusal windows open at once; beyond this refusals are counted under one key per cause ('many'). */
const MAX_WINDOWS = 1_000;
/** Cameras named in one refusal entry. */
const MAX_CAMERAS = 5;
const BATCH = 200;
const RETRY_MS = 2_000;

export interface AuditedSession {
  id: string;
  cameraId: string;
  claims: GrantClaims;
  jtis: Set<string>;
  form: ViewForm;
  startedAt: number;
}

export type WhepRequest = WhepRefusalEvent['request'];

/** Who a request was from: the verified grant's viewer, else the client address only. */
export function viewerOf(claims: Partial<GrantClaims> | undefined, source?: string): WhepViewer {
  if (claims?.sub) return { sub: claims.sub, name: claims.name, org: claims.org, country: claims.country };
  return { source: source || 'unknown' };
}

/**
 * Reports WHEP sessions (start, end with duration) and refused WHEP attempts to the gateway, which
 * writes them to the hash-chained audit trail. Refusals are counted per cause and viewer (or client
 * address without a valid grant) over media.refusalAuditWindowSec and sent as one event with the
 * count when the window closes: a burst of refusals is one entry. Sending is retried while the
 * gateway is away; nothing here ever blocks or fails a viewer's request.
 */
@Injectable()
export class WhepAuditReporter implements OnModuleDestroy {
  private readonly log = new Logger(WhepAuditReporter.name);
  private readonly queue: WhepAuditEvent[] = [];
  private readonly windows = new Map<string, { event: WhepRefusalEvent; timer: NodeJS.Timeout }>();
  private sending?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private dropped = 0;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly gateway: GatewayPort,
  ) {}

  started(s: AuditedSession): void {
    this.push(this.sessionEvent('start', s, s.startedAt));
  }

  ended(s: AuditedSession, reason: string): void {
    const now = Date.now();
    this.push({ ...this.sessionEvent('end', s, now), grants: [...s.jtis], durationSec: Math.round((now - s.startedAt) / 100) / 10, reason });
  }

  refused(cause: string, status: number, request: WhepRequest, cameraId: string, claims?: Partial<GrantClaims>, source?: string): void {
    const viewer = viewerOf(claims, source);
    let key = `${cause}|${request}|${viewer.sub ?? `ip:${viewer.source}`}`;
    if (!this.windows.has(key) && this.windows.size >= MAX_WINDOWS) key = `${cause}|${request}|many`;
    const now = new Date().toISOString();
    const open = this.windows.get(key);
    if (open) {
      const e = open.event;
      e.count++;
      e.to = now;
      if (!e.cameraIds.includes(cameraId) && e.cameraIds.length < MAX_CAMERAS) e.cameraIds.push(cameraId);
      return;
    }
    const event: WhepRefusalEvent = {
      kind: 'refused',
      cause,
      status,
      request,
      cameraIds: [cameraId],
      viewer: key.endsWith('|many') ? { source: 'many' } : viewer,
      ...(claims?.sid ? { gatewaySession: claims.sid } : {}),
      ...(claims?.jti ? { grant: claims.jti } : {}),
      count: 1,
      from: now,
      to: now,
    };
    const timer = setTimeout(() => this.closeWindow(key), this.cfg.media.refusalAuditWindowSec * 1000);
    timer.unref();
    this.windows.set(key, { event, timer });
  }

  /** Closes every window and sends what is queued (shutdown; tests). */
  async flush(): Promise<void> {
    for (const key of [...this.windows.keys()]) this.closeWindow(key);
    clearTimeout(this.retryTimer);
    await this.send();
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush().catch(() => undefined);
    if (this.queue.length) this.log.error(`${this.queue.length} WHEP audit event(s) not delivered to the gateway before shutdown`);
  }

  private sessionEvent(kind: 'start' | 'end', s: AuditedSession, at: number): WhepSessionEvent {
    return {
      kind,
      session: s.id,
      ...(s.claims.sid ? { gatewaySession: s.claims.sid } : {}),
      grant: [...s.jtis][0],
      cameraId: s.cameraId,
      viewer: viewerOf(s.claims),
      form: s.form,
      ...(s.claims.obligations?.purpose ? { purpose: s.claims.obligations.purpose } : {}),
      at: new Date(at).toISOString(),
    };
  }

  private closeWindow(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(key);
    this.push(w.event);
  }

  private push(e: WhepAuditEvent): void {
    this.queue.push(e);
    if (this.queue.length > MAX_QUEUED) {
      this.dropped += this.queue.splice(0, this.queue.length - MAX_QUEUED).length;
      this.log.error(`WHEP audit queue full: ${this.dropped} event(s) dropped so far (gateway unreachable?)`);
    }
    void this.send();
  }

  /** One batch at a time, in order; a failed batch stays at the head and is retried. */
  private send(): Promise<void> {
    this.sending ??= this.drain().then((delivered) => {
      this.sending = undefined;
      // pushed while the last batch was on its way
      if (delivered && this.queue.length) return this.send();
    });
    return this.sending;
  }

  private async drain(): Promise<boolean> {
    try {
      while (this.queue.length) {
        const batch = this.queue.slice(0, BATCH);
        await this.gateway.whepEvents({ events: batch });
        this.queue.splice(0, batch.length);
      }
      return true;
    } catch (e) {
      this.log.warn(`WHEP audit events not delivered yet (${this.queue.length} queued): ${(e as Error).message}`);
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.send(), RETRY_MS);
      this.retryTimer.unref();
      return false;
    }
  }
}
