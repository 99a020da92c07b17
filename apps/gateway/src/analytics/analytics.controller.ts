import { Body, Controller, Get, Header, HttpCode, Post, Put, Query, Res, Sse, type MessageEvent } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { map, type Observable } from 'rxjs';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { AlertDto, AlertListQueryDto, AnalyticsCameraDto, AnalyticsConfigDto, AnalyticsConfigViewDto, AreaQueryDto, SeriesQueryDto, SeriesResponseDto } from './analytics.dto';
import { AnalyticsService } from './analytics.service';
import { IdParam } from '../common/validation';
import { AnalyticsStillService } from './analytics-still.service';
import { StillWidthQueryDto } from './analytics.dto';

/**
 * Counts of persons and vehicles without a frame. Reading needs a Cedar permit for `analytics.view`
 * on the camera (403 analytics_forbidden); configuring needs the admin role and `camera.manage`.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('api/v1/analytics')
export class AnalyticsController {
  constructor(
    private readonly service: AnalyticsService,
    private readonly stills: AnalyticsStillService,
  ) {}

  @Get('cameras')
  @ApiOkResponse({ type: AnalyticsCameraDto, isArray: true, description: 'Cameras whose counts the caller may see or whose analytics they may configure' })
  cameras(@CurrentPrincipal() p: Principal): Promise<AnalyticsCameraDto[]> {
    return this.service.cameraList(p);
  }

  @Sse('live')
  @ApiOkResponse({
    description: 'Server-sent events of every camera with analytics on whose counts the caller may see: `counts` (the latest of each at once, then every report) and `alert`',
  })
  async liveAll(@CurrentPrincipal() p: Principal): Promise<Observable<MessageEvent>> {
    return (await this.service.liveAll(p)).pipe(map((e) => ({ type: e.type, data: e.data as object })));
  }

  @Get('cameras/:id/config')
  @ApiOkResponse({ type: AnalyticsConfigViewDto, description: 'Zones, lines and alert rules of the camera (points are fractions of the picture)' })
  config(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string): Promise<AnalyticsConfigViewDto> {
    return this.service.getConfig(p, id);
  }

  @Put('cameras/:id/config')
  @Roles('admin')
  @ApiOkResponse({
    type: AnalyticsConfigViewDto,
    description: 'Bad geometry: 400 geometry_self_intersecting, geometry_outside_picture, geometry_too_many_points, ... with every problem in details',
  })
  putConfig(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Body() dto: AnalyticsConfigDto): Promise<AnalyticsConfigViewDto> {
    return this.service.putConfig(p, id, dto);
  }

  @Get('cameras/:id/still')
  @Roles('admin')
  @ApiProduces('image/jpeg')
  @ApiOkResponse({
    description:
      "An anonymized JPEG of the camera's latest recording, to draw zones and lines on: the owner's administrators only (camera.manage); 204 (no content) when nothing was recorded in the last hour",
  })
  async still(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Query() q: StillWidthQueryDto, @Res() res: Response): Promise<void> {
    const still = await this.stills.still(p, id, q.width ?? 640);
    if (!still) {
      res.status(204).end();
      return;
    }
    res.setHeader('content-type', 'image/jpeg');
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('x-masked', String(still.masked));
    res.end(Buffer.from(still.jpeg, 'base64'));
  }

  @Get('cameras/:id/series')
  @ApiOkResponse({ type: SeriesResponseDto })
  series(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Query() q: SeriesQueryDto): Promise<SeriesResponseDto> {
    return this.service.series(p, id, q);
  }

  @Get('cameras/:id/series.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'time,kind,target,name,class,direction,measure,value' })
  csv(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Query() q: SeriesQueryDto): Promise<string> {
    return this.service.csv(p, id, q);
  }

  @Sse('cameras/:id/live')
  @ApiOkResponse({ description: 'Server-sent events: `counts` (what is in each zone now, crossings in the current minute) and `alert`' })
  async live(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string): Promise<Observable<MessageEvent>> {
    return (await this.service.liveStream(p, id)).pipe(map((e) => ({ type: e.type, data: e.data as object })));
  }

  @Get('area')
  @ApiOkResponse({ type: SeriesResponseDto, description: "Sum over the cameras in an incident's area whose analytics the caller may see" })
  area(@CurrentPrincipal() p: Principal, @Query() q: AreaQueryDto): Promise<SeriesResponseDto> {
    return this.service.area(p, q);
  }

  @Get('alerts')
  @ApiOkResponse({ type: AlertDto, isArray: true })
  alerts(@CurrentPrincipal() p: Principal, @Query() q: AlertListQueryDto): Promise<AlertDto[]> {
    return this.service.listAlerts(p, q.state);
  }

  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @ApiOkResponse({ type: AlertDto })
  acknowledge(@CurrentPrincipal() p: Principal, @IdParam('alert') id: string): Promise<AlertDto> {
    return this.service.acknowledge(p, id);
  }
}
