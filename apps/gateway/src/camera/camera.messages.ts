import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Patterns, ServiceAuthGuard, type CameraIngestInfo, type CameraStateReport, type PushKeyLookup } from '@borderlens/contracts';
import { CameraMediaService } from './camera-media.service';
import { PushKeyService } from './push-key.service';

/** Calls from media nodes over the transport (service-token authenticated); an AppError leaves with its code through ErrorReplyFilter. */
@Controller()
@UseGuards(ServiceAuthGuard)
export class CameraMessages {
  constructor(
    private readonly service: CameraMediaService,
    private readonly pushKeys: PushKeyService,
  ) {}

  @MessagePattern(Patterns.gateway.cameraIngest)
  ingest(@Payload('data') data: { cameraId: string }): Promise<CameraIngestInfo> {
    return this.service.ingestInfo(String(data?.cameraId));
  }

  @MessagePattern(Patterns.gateway.camerasToRecord)
  toRecord(): Promise<CameraIngestInfo[]> {
    return this.service.camerasToRecord();
  }

  @MessagePattern(Patterns.gateway.cameraState)
  async state(@Payload('data') data: CameraStateReport): Promise<{ ok: true }> {
    if (!data || !['online', 'offline', 'error'].includes(data.state)) throw new RpcException({ code: 'bad_request', message: 'state must be online, offline or error' });
    await this.service.reportState(data);
    return { ok: true };
  }

  @MessagePattern(Patterns.gateway.resolvePushKey)
  async pushKey(@Payload('data') data: PushKeyLookup): Promise<{ cameraId: string }> {
    return { cameraId: await this.pushKeys.verify(data?.key) };
  }
}
