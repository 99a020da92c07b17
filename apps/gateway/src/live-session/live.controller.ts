import { Controller, Get, MessageEvent, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { CameraAccessDto, LiveSessionEventDto } from './live.dto';
import { LiveAccessService } from './live-access.service';

/** How often the event stream looks at the user's sessions (the live session review updates them within incidents.checkIntervalSec). */
const POLL_MS = 1000;
/** A stream lasts this long; the client reconnects with a fresh token, so a revoked user stops receiving. */
const STREAM_MS = 5 * 60_000;

@ApiTags('live')
@ApiBearerAuth()
@Controller('api/v1/live')
export class LiveController {
  constructor(private readonly live: LiveAccessService) {}

  @Get('cameras')
  @ApiOkResponse({ type: CameraAccessDto, isArray: true, description: 'For each camera the caller sees: what they may watch now, and whether an incident would open raw video' })
  cameras(@CurrentPrincipal() p: Principal): Promise<CameraAccessDto[]> {
    return this.live.cameraAccess(p);
  }

  /**
   * Server-sent events: each of the caller's live sessions whenever it changes (downgraded to
   * anonymized, ended and why), first all active ones. The browser shows a downgrade within
   * seconds, without waiting for its next renewal.
   */
  @Sse('events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: LiveSessionEventDto, description: 'text/event-stream; each `data:` is one LiveSessionEventDto' })
  events(@CurrentPrincipal() p: Principal): Observable<MessageEvent> {
    return new Observable<MessageEvent>((sub) => {
      const seen = new Map<string, string>();
      const since = new Date(Date.now() - POLL_MS * 5);
      let busy = false;
      const tick = async () => {
        if (busy) return;
        busy = true;
        try {
          for (const s of await this.live.sessions(p, since)) {
            const sig = `${s.state}|${s.form}|${s.endReason}|${s.incidentIds.join(',')}`;
            if (seen.get(s.sessionId) === sig) continue;
            seen.set(s.sessionId, sig);
            sub.next({ type: 'session', data: s });
          }
        } catch {
          // the next tick tries again
        } finally {
          busy = false;
        }
      };
      void tick();
      const timer = setInterval(() => void tick(), POLL_MS);
      const end = setTimeout(() => sub.complete(), STREAM_MS);
      return () => {
        clearInterval(timer);
        clearTimeout(end);
      };
    });
  }
}
