import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { CameraService } from '../camera/camera.service';
import { DeclareIncidentDto, EndIncidentDto, ExtendIncidentDto, IncidentDto, IncidentQueryDto } from './incident.dto';
import { IncidentService } from './incident.service';
import { areaContains } from './incident-area';

/** Incidents are visible to everyone signed in; declaring, extending and ending are decided by the policies. */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/incidents')
export class IncidentController {
  constructor(
    private readonly service: IncidentService,
    private readonly cameras: CameraService,
  ) {}

  @Get()
  @ApiOkResponse({ type: IncidentDto, isArray: true })
  async list(@Query() q: IncidentQueryDto): Promise<IncidentDto[]> {
    const now = new Date();
    return (await this.service.list(q.state)).map((i) => IncidentDto.from(i, now));
  }

  @Get(':id')
  @ApiOkResponse({ type: IncidentDto, description: 'With the cameras in its area that the caller can see' })
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<IncidentDto> {
    const incident = await this.service.findOne(id);
    const cameraIds = (await this.cameras.findVisible(p)).filter((c) => areaContains(incident.area, c.latitude, c.longitude)).map((c) => c.id);
    return IncidentDto.from(incident, new Date(), cameraIds);
  }

  @Post()
  @ApiCreatedResponse({ type: IncidentDto, description: 'Needs incident.declare (fire and police operators of the jurisdiction by default)' })
  async declare(@CurrentPrincipal() p: Principal, @Body() dto: DeclareIncidentDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.declare(p, dto));
  }

  @Post(':id/extend')
  @HttpCode(200)
  @ApiOkResponse({ type: IncidentDto })
  async extend(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: ExtendIncidentDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.extend(p, id, dto));
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOkResponse({ type: IncidentDto, description: 'Live raw grants that depended on it are re-decided within seconds' })
  async end(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: EndIncidentDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.end(p, id, dto.reason));
  }
}
