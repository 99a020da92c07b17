import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { JwksDto } from './live-session.dto';
import { LiveSessionService } from './live-session.service';

@ApiTags('grants')
@Controller('api/v1/grants')
export class GrantController {
  constructor(private readonly sessions: LiveSessionService) {}

  /** Public: media nodes verify grants with these keys (media.grantJwksUrl). */
  @Public()
  @Get('jwks')
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.sessions.jwks();
  }
}
