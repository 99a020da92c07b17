import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HealthService, type HealthReport } from './health.service';

@ApiTags('health')
@Public()
@Controller('api/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Everything: database, media node and anonymizer. 503 only when the database is down. */
  @Get()
  @ApiOkResponse({ description: 'ok or degraded' })
  @ApiServiceUnavailableResponse({ description: 'database down' })
  async report(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const r = await this.health.report();
    if (r.status === 'down') res.status(503);
    return r;
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
