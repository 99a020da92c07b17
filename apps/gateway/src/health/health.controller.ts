import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal, Public } from '../auth/auth.decorators';
import { HealthService, type HealthReport, type HealthSummary } from './health.service';

@ApiTags('health')
@Public()
@Controller('api/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /**
   * Database, media node and anonymizer: ok, degraded or down for anyone; the checks (cameras,
   * sessions, models, hosts, errors) only for a signed-in administrator, since they map the
   * installation for an attacker. 503 only when the database is down.
   */
  @Get()
  @ApiOkResponse({ description: 'ok or degraded; `checks` only for an administrator' })
  @ApiServiceUnavailableResponse({ description: 'database down' })
  async report(@CurrentPrincipal() principal: Principal | undefined, @Res({ passthrough: true }) res: Response): Promise<HealthReport | HealthSummary> {
    const r = await this.health.report();
    if (r.status === 'down') res.status(503);
    return principal?.roles.includes('admin') ? r : { status: r.status };
  }

  /** Liveness: the process answers. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the API can serve requests (database reachable). */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' | 'down' }> {
    const up = await this.health.databaseUp();
    if (!up) res.status(503);
    return { status: up ? 'ok' : 'down' };
  }
}
