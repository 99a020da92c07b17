import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { JwksDto } from './grant.dto';
import { GrantService } from './grant.service';

@ApiTags('grants')
@Controller('api/v1/grants')
export class GrantController {
  constructor(private readonly grants: GrantService) {}

  /** Public: media nodes verify grants with these keys (media.grantJwksUrl). */
  @Public()
  @Get('jwks')
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.grants.jwks();
  }
}
