import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@borderlens/auth';
import { Patterns, type CameraProbeRequest, type CameraProbeResult, type ServiceClient } from '@borderlens/contracts';
import { AppError } from '../common/app-error';
import { MEDIA_CLIENT } from '../transport/transport.module';
import { CameraMediaService } from './camera-media.service';

/** "Test connection": a media node probes the camera's RTSP URL once (the gateway never connects to cameras). */
@Injectable()
export class CameraProbeService {
  constructor(
    private readonly cameras: CameraMediaService,
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
  ) {}

  async probe(p: Principal, id: string): Promise<CameraProbeResult> {
    const info = await this.cameras.ingestForManager(p, id);
    if (info.ingest.type !== 'rtsp') throw AppError.badRequest('camera_not_rtsp', 'only RTSP cameras are probed; push cameras connect to the media node themselves');
    try {
      // The media node waits at most media.rtspTimeoutSec (+2 s) for the camera.
      return await this.media.send<CameraProbeResult, CameraProbeRequest>(Patterns.media.cameraProbe, { url: info.ingest.url, rtspTransport: info.ingest.rtspTransport }, 30_000);
    } catch (e) {
      throw new AppError(HttpStatus.SERVICE_UNAVAILABLE, 'media_unavailable', `no media node answered: ${(e as Error).message}`);
    }
  }
}
