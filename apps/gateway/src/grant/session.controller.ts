import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { OpenSessionDto, SessionDto } from './grant.dto';
import { GRANT_TTL_SEC, GrantService, type IssuedSession } from './grant.service';
import { policyIds } from '../policy/authorization.service';
import { IdParam } from '../common/validation';

/**
 * Live video sessions: the gateway decides (Cedar `live.anonymized` / `live.raw`, with the incidents
 * covering the camera, the purpose and the duration) and answers a short-lived signed grant for the
 * media node's WHEP endpoint; the viewer renews it while watching. Denials are 403 with the reasons.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('api/v1/cameras')
export class SessionController {
  constructor(private readonly grants: GrantService) {}

  @Post(':id/sessions')
  @ApiCreatedResponse({ type: SessionDto, description: 'Denied: 403 access_denied or purpose_required, with reasons and rules in details; 409 camera_disabled' })
  async open(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Body() dto: OpenSessionDto): Promise<SessionDto> {
    return this.toDto(await this.grants.open(p, id, dto));
  }

  @Post(':id/sessions/:sessionId/renew')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto, description: 'Decided again; a raw session no longer permitted gets an anonymized grant (downgraded: true) or 403' })
  async renew(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @IdParam('session', 'sessionId') sessionId: string): Promise<SessionDto> {
    return this.toDto(await this.grants.renew(p, id, sessionId));
  }

  @Delete(':id/sessions/:sessionId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async end(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @IdParam('session', 'sessionId') sessionId: string): Promise<void> {
    await this.grants.end(p, id, sessionId);
  }

  private toDto(s: IssuedSession): SessionDto {
    const g = s.grant;
    return {
      sessionId: g.id,
      cameraId: g.cameraId,
      form: g.form,
      grant: s.token,
      whepUrl: this.grants.whepUrl(g.cameraId),
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
