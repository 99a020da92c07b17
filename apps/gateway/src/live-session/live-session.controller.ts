import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { OpenLiveSessionDto, LiveSessionDto } from './live-session.dto';
import { GRANT_TTL_SEC, LiveSessionService, type IssuedSession } from './live-session.service';
import { policyIds } from '../policy/authorization.service';
import { IdParam } from '../common/validation';

/**
 * Live video sessions: the gateway decides (Cedar `live.anonymized` / `live.raw`, with the incidents
 * covering the camera, the purpose and the duration) and answers a short-lived signed grant for the
 * media node's WHEP endpoint; the viewer renews it while watching. Denials are 403 with the reasons.
 */
@ApiTags('live-sessions')
@ApiBearerAuth()
@Controller('api/v1/cameras')
export class LiveSessionController {
  constructor(private readonly sessions: LiveSessionService) {}

  @Post(':id/sessions')
  @ApiCreatedResponse({
    type: LiveSessionDto,
    description: 'Denied: 403 access_denied or purpose_required, with reasons (in the Accept-Language: cs, pl or en) and rules in details; 409 camera_disabled',
  })
  async open(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Body() dto: OpenLiveSessionDto): Promise<LiveSessionDto> {
    return this.toDto(await this.sessions.open(p, id, dto));
  }

  @Post(':id/sessions/:sessionId/renew')
  @HttpCode(200)
  @ApiOkResponse({ type: LiveSessionDto, description: 'Decided again; a raw session no longer permitted gets an anonymized grant (downgraded: true) or 403' })
  async renew(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @IdParam('session', 'sessionId') sessionId: string): Promise<LiveSessionDto> {
    return this.toDto(await this.sessions.renew(p, id, sessionId));
  }

  @Delete(':id/sessions/:sessionId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async end(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @IdParam('session', 'sessionId') sessionId: string): Promise<void> {
    await this.sessions.end(p, id, sessionId);
  }

  private toDto(s: IssuedSession): LiveSessionDto {
    const g = s.grant;
    return {
      sessionId: g.id,
      cameraId: g.cameraId,
      form: g.form,
      grant: s.token,
      whepUrl: this.sessions.whepUrl(g.cameraId),
      expiresAt: g.expiresAt.toISOString(),
      renewAfterSec: GRANT_TTL_SEC / 2,
      endsAt: g.endsAt?.toISOString() ?? null,
      obligations: g.obligations,
      reasons: s.decision.reasons,
      policies: policyIds(s.decision),
      downgraded: s.downgraded,
      incidentIds: g.incidentIds ?? [],
    };
  }
}
