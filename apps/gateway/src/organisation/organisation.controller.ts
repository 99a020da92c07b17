import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrganisationDto } from './organisation.dto';
import { OrganisationService } from './organisation.service';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('api/v1/organisations')
export class OrganisationController {
  constructor(private readonly service: OrganisationService) {}

  @Get()
  @ApiOkResponse({ type: OrganisationDto, isArray: true })
  async list(): Promise<OrganisationDto[]> {
    return (await this.service.findAll()).map(OrganisationDto.from);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrganisationDto })
  async get(@Param('id') id: string): Promise<OrganisationDto> {
    return OrganisationDto.from(await this.service.findOne(id));
  }
}
