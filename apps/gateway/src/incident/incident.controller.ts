import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { CameraVisibilityService } from '../camera/camera-visibility.service';
import { DeclareIncidentDto, EndIncidentDto, ExtendIncidentDto, IncidentAcceptanceDecisionDto, IncidentDto, IncidentQueryDto } from './incident.dto';
import { IncidentService } from './incident.service';
import { areaContains } from './incident-area';
import { IdParam } from '../common/validation';

/** Incidents are visible to everyone signed in; declaring, extending and ending are decided by the policies. */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/incidents')
export class IncidentController {
  constructor(
    private readonly service: IncidentService,
    private readonly cameras: CameraVisibilityService,
  ) {}

  @Get()
  @ApiOkResponse({ type: IncidentDto, isArray: true })
  async list(@Query() q: IncidentQueryDto): Promise<IncidentDto[]> {
    const now = new Date();
    return (await this.service.list(q.state)).map((i) => IncidentDto.from(i, now));
  }

  @Get(':id')
  @ApiOkResponse({ type: IncidentDto, description: 'With the cameras in its area that the caller can see' })
  async get(@CurrentPrincipal() p: Principal, @IdParam('incident') id: string): Promise<IncidentDto> {
    const incident = await this.service.findOne(id);
    const cameraIds = (await this.cameras.findVisible(p)).filter((c) => areaContains(incident.area, c.latitude, c.longitude)).map((c) => c.id);
    return IncidentDto.from(incident, new Date(), cameraIds);
  }

  @Post()
  @ApiCreatedResponse({
    type: IncidentDto,
    description:
      "Needs incident.declare. The jurisdiction follows from the area (country borders): an area in one country is that country's incident; one across a border is the declaring side's, and counts for the other country's cameras only once that country accepts it. 400 incident_outside_borders when the area lies in no known country.",
  })
  async declare(@CurrentPrincipal() p: Principal, @Body() dto: DeclareIncidentDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.declare(p, dto));
  }

  @Post(':id/extend')
  @HttpCode(200)
  @ApiOkResponse({ type: IncidentDto })
  async extend(@CurrentPrincipal() p: Principal, @IdParam('incident') id: string, @Body() dto: ExtendIncidentDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.extend(p, id, dto));
  }

  @Post(':id/accept')
  @HttpCode(200)
  @ApiOkResponse({
    type: IncidentDto,
    description:
      "On behalf of the caller's country (needs incident.accept): the incident, declared by another country's operator or across the border, is then in effect for this country's cameras (raw video where the rules allow it). Audited. 409 incident_already_accepted, incident_declared_by_your_country, incident_ended",
  })
  async accept(@CurrentPrincipal() p: Principal, @IdParam('incident') id: string, @Body() dto: IncidentAcceptanceDecisionDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.decideAcceptance(p, id, 'accepted', dto.reason));
  }

  @Post(':id/refuse')
  @HttpCode(200)
  @ApiOkResponse({
    type: IncidentDto,
    description:
      "The caller's country declines the incident: it stays without effect on its cameras. Audited. 409 incident_already_accepted (withdraw instead), incident_already_refused",
  })
  async refuse(@CurrentPrincipal() p: Principal, @IdParam('incident') id: string, @Body() dto: IncidentAcceptanceDecisionDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.decideAcceptance(p, id, 'refused', dto.reason));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({
    type: IncidentDto,
    description:
      "The caller's country takes back its acceptance: raw sessions on its cameras that depended on it are re-decided within seconds. Audited. 409 incident_not_accepted",
  })
  async withdraw(@CurrentPrincipal() p: Principal, @IdParam('incident') id: string, @Body() dto: IncidentAcceptanceDecisionDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.decideAcceptance(p, id, 'withdrawn', dto.reason));
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOkResponse({
    type: IncidentDto,
    description: 'For every country: by the declaring side or by a country that accepted it. Live raw grants that depended on it are re-decided within seconds',
  })
  async end(@CurrentPrincipal() p: Principal, @IdParam('incident') id: string, @Body() dto: EndIncidentDto): Promise<IncidentDto> {
    return IncidentDto.from(await this.service.end(p, id, dto.reason));
  }
}
