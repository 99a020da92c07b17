import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { CameraCreatedDto, CameraDto, CreateCameraDto, PushKeyDto, SetSharingDto, UpdateCameraDto } from './camera.dto';
import { CameraService } from './camera.service';
import { IdParam } from '../common/validation';

@ApiTags('cameras')
@ApiBearerAuth()
@Controller('api/v1/cameras')
export class CameraController {
  constructor(private readonly service: CameraService) {}

  @Get()
  @ApiOkResponse({ type: CameraDto, isArray: true, description: 'The cameras on which some action could be permitted to the caller (now or during an incident)' })
  async list(@CurrentPrincipal() p: Principal): Promise<CameraDto[]> {
    return (await this.service.findVisible(p)).map(CameraDto.from);
  }

  @Get(':id')
  @ApiOkResponse({ type: CameraDto })
  async get(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string): Promise<CameraDto> {
    return CameraDto.from(await this.service.findOneVisible(p, id));
  }

  /** Management needs the admin role (checked on the token) and a Cedar permit for camera.manage. */
  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: CameraCreatedDto })
  async create(@CurrentPrincipal() p: Principal, @Body() dto: CreateCameraDto): Promise<CameraCreatedDto> {
    const { camera, pushKey } = await this.service.create(p, dto);
    return { ...CameraDto.from(camera), ...(pushKey ? { pushKey } : {}) };
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
    return { pushKey: await this.service.rotatePushKey(p, id) };
  }
}
