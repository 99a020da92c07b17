import { Controller, Get } from '@nestjs/common';

/** Liveness for load balancers and tests; details go over the authenticated transport. */
@Controller('health')
export class MediaHealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
