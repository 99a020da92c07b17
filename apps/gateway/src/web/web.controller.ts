import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { UiConfigDto } from './web.dto';
import { WebService } from './web.service';

@ApiTags('web')
@Controller('api/v1/ui-config')
export class WebController {
  constructor(private readonly web: WebService) {}

  /** Public: what the browser needs before sign-in (where Keycloak is, which client, which map tiles). */
  @Public()
  @Get()
  @ApiOkResponse({ type: UiConfigDto })
  config(): UiConfigDto {
    return this.web.uiConfig();
  }
}
