import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { OrganisationService } from '../organisation/organisation.service';
import { MeDto } from './me.dto';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly organisations: OrganisationService) {}

  @Get()
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentPrincipal() p: Principal): Promise<MeDto> {
    const organisation = await this.organisations.findOne(p.organisation).catch(() => null);
    return { ...p, organisationName: organisation?.name ?? null };
  }
}
