import { Inject, Injectable, Logger } from '@nestjs/common';
import { Patterns, type GrantChange, type ServiceClient } from '@borderlens/contracts';
import type { LiveSessionEntity } from '@borderlens/database';
import { MEDIA_CLIENT } from '../transport/transport.module';
import { LiveSessionRepository } from './live-session.repository';

/** A media node that does not answer this fast is tried again next round. */
const MEDIA_TIMEOUT_MS = 2000;

/**
 * Tells the media nodes that a session's grants were downgraded or ended (Patterns.media.grantChanged).
 * Over NATS the pattern is a broadcast (BROADCAST in @borderlens/contracts): every media node gets each
 * message and acts on the sessions it holds, and the first node to reply answers the request. A reply
 * therefore means the message was delivered, not that a particular node held the session, which is all
 * this needs; no reply at all (no media node listening) leaves the change pending for the next round.
 */
@Injectable()
export class LiveSessionNotifier {
  private readonly log = new Logger(LiveSessionNotifier.name);

  constructor(
    private readonly repo: LiveSessionRepository,
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
  ) {}

  /** Delivers the session's pending change; false when the media node could not be reached (it stays pending). */
  async deliver(g: LiveSessionEntity): Promise<boolean> {
    const change = g.pendingChange;
    if (!change) return true;
    const now = Math.floor(Date.now() / 1000);
    try {
      // The media node knows a session by the grant it was opened with: tell it about every unexpired one.
      for (const t of g.tokens.filter((t) => t.exp >= now)) {
        await this.media.send<unknown, GrantChange>(Patterns.media.grantChanged, { jti: t.jti, action: change.action, reason: change.reason }, MEDIA_TIMEOUT_MS);
      }
    } catch (e) {
      this.log.warn(`media node not told about live session ${g.id} (${change.action}); retrying next round: ${(e as Error).message}`);
      return false;
    }
    await this.repo.clearPending(g.id, change);
    return true;
  }
}
