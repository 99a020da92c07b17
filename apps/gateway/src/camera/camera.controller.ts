import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { longestMonthsInDays, pickReason, reasonLanguage, RETENTION_CAPS } from '@borderlens/policy';
import { CameraCreatedDto, CameraDto, CameraProbeDto, CreateCameraDto, DisableCameraDto, PushKeyDto, RetentionCapDto, SetSharingDto, UpdateCameraDto } from './camera.dto';
import { CameraProbeService } from './camera-probe.service';
import { CameraService } from './camera.service';
import { CameraVisibilityService } from './camera-visibility.service';
import { PushKeyService } from './push-key.service';
import { IdParam } from '../common/validation';

@ApiTags('cameras')
@ApiBearerAuth()
@Controller('api/v1/cameras')
export class CameraController {
  constructor(
    private readonly service: CameraService,
    private readonly visibility: CameraVisibilityService,
    private readonly pushKeys: PushKeyService,
    private readonly probes: CameraProbeService,
  ) {}

  @Get()
  @ApiOkResponse({ type: CameraDto, isArray: true, description: 'The cameras on which some action could be permitted to the caller (now or during an incident)' })
  async list(@CurrentPrincipal() p: Principal): Promise<CameraDto[]> {
    return (await this.visibility.findVisible(p)).map(CameraDto.from);
  }

  /** Declared before ':id' so that it is not read as a camera id. */
  @Get('retention-caps')
  @ApiOkResponse({ type: RetentionCapDto, isArray: true, description: 'Statutory caps on how long recordings may be kept, per jurisdiction and owner kind' })
  retentionCaps(@CurrentPrincipal() p: Principal): RetentionCapDto[] {
    return RETENTION_CAPS.map((c) => ({
      jurisdiction: c.jurisdiction,
      ownerKinds: [...c.ownerKinds],
      maxMonths: c.maxMonths,
      maxDays: longestMonthsInDays(c.maxMonths),
      source: pickReason(c.source, reasonLanguage(p.language))!,
    }));
  }

  @Get(':id')
  @ApiOkResponse({ type: CameraDto })
  async get(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string): Promise<CameraDto> {
    return CameraDto.from(await this.visibility.findOneVisible(p, id));
  }

  /** Management needs the admin role (checked on the token) and a Cedar permit for camera.manage. */
  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: CameraCreatedDto })
  async create(@CurrentPrincipal() p: Principal, @Body() dto: CreateCameraDto): Promise<CameraCreatedDto> {
    const { camera, pushKey } = await this.service.create(p, dto);
    return { ...CameraDto.from(camera), ...(pushKey ? { pushKey, ...this.pushKeys.urls(pushKey) } : {}) };
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: CameraDto })
  async update(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Body() dto: UpdateCameraDto): Promise<CameraDto> {
    return CameraDto.from(await this.service.update(p, id, dto));
  }

  /**
   * The owner's administrators decide what the camera shares (Cedar camera.manage); audited with the
   * reason, and running live sessions are decided again within a review round.
   */
  @Put(':id/sharing')
  @Roles('admin')
  @ApiOkResponse({ type: CameraDto, description: 'Forbidden: 403 camera_manage_forbidden' })
  async setSharing(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Body() dto: SetSharingDto): Promise<CameraDto> {
    return CameraDto.from(await this.service.setSharing(p, id, dto));
  }

  /**
   * The owner's administrators disable a camera (Cedar camera.manage), with a reason: its ingest stops,
   * its live sessions end, new ones and new clip requests answer 409 camera_disabled; recordings stay.
   */
  @Post(':id/disable')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: CameraDto, description: 'state disabled. Forbidden: 403 camera_manage_forbidden' })
  async disable(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Body() dto: DisableCameraDto): Promise<CameraDto> {
    return CameraDto.from(await this.service.setDisabled(p, id, true, dto));
  }

  @Post(':id/enable')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: CameraDto, description: 'Ingest and new sessions are taken up again. Forbidden: 403 camera_manage_forbidden' })
  async enable(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Body() dto: DisableCameraDto): Promise<CameraDto> {
    return CameraDto.from(await this.service.setDisabled(p, id, false, dto));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string): Promise<void> {
    await this.service.remove(p, id);
  }

  @Post(':id/push-key')
  @Roles('admin')
  @ApiCreatedResponse({ type: PushKeyDto })
  async rotatePushKey(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string): Promise<PushKeyDto> {
    const pushKey = await this.pushKeys.rotate(p, id);
    return { pushKey, ...this.pushKeys.urls(pushKey) };
  }

  /** "Test connection": a media node tries the camera's RTSP URL once (admins who may manage it). */
  @Post(':id/probe')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: CameraProbeDto, description: 'ok with codec and picture size, or ok: false with the reason. 400 camera_not_rtsp; 503 media_unavailable' })
  probe(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string): Promise<CameraProbeDto> {
    return this.probes.probe(p, id);
  }
}
