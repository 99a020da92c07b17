import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@borderlens/auth';
import type { CameraEntity } from '@borderlens/database';
import { Patterns, type CameraDisabledChange, type CameraIngestInfo, type CameraStateReport, type ServiceClient } from '@borderlens/contracts';
import { AppError } from '../common/app-error';
import { isUuid } from '../common/validation';
import { CameraRepository } from './camera.repository';
import { MEDIA_CLIENT } from '../transport/transport.module';
import { assertEnabled, CameraVisibilityService } from './camera-visibility.service';
import { CredentialsCipher } from './credentials-cipher';

/** What the media node asks about cameras (camera.messages.ts): ingest settings with decrypted credentials, the cameras to record, state reports. */
@Injectable()
export class CameraMediaService {
  private readonly log = new Logger(CameraMediaService.name);

  constructor(
    private readonly cameras: CameraRepository,
    private readonly visibility: CameraVisibilityService,
    private readonly cipher: CredentialsCipher,
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
  ) {}

  /** Refused (camera_disabled) for a disabled camera: the media node then neither pulls it nor takes a publisher for it. */
  async ingestInfo(id: string): Promise<CameraIngestInfo> {
    const camera = await this.visibility.findOne(id);
    assertEnabled(camera);
    return this.toIngestInfo(camera);
  }

  /**
   * Tells every media node that a camera was disabled (it stops pulling or drops the publisher) or
   * enabled (its recorder starts again). A node that misses it catches up at its next recording sync.
   */
  async tellDisabled(cameraId: string, disabled: boolean): Promise<void> {
    try {
      await this.media.send<unknown, CameraDisabledChange>(Patterns.media.cameraDisabled, { cameraId, disabled }, 5000);
    } catch (e) {
      this.log.warn(`media nodes not told that camera ${cameraId} was ${disabled ? 'disabled' : 'enabled'}: ${(e as Error).message}`);
    }
  }

  /** The ingest settings (with credentials) of a camera the caller may manage, for "test connection". */
  async ingestForManager(p: Principal, id: string): Promise<CameraIngestInfo> {
    return this.toIngestInfo((await this.visibility.findManaged(p, id)).camera);
  }

  async camerasToRecord(): Promise<CameraIngestInfo[]> {
    return (await this.cameras.findRecording()).map((c) => this.toIngestInfo(c));
  }

  async reportState(r: CameraStateReport): Promise<void> {
    if (!isUuid(r.cameraId) || !(await this.cameras.setState(r.cameraId, r.state, r.reason?.slice(0, 1000) ?? null))) {
      throw AppError.notFound('camera', String(r.cameraId));
    }
  }

  private toIngestInfo(c: CameraEntity): CameraIngestInfo {
    let ingest: CameraIngestInfo['ingest'];
    if (c.ingestType === 'rtsp') {
      const url = new URL(c.rtspUrl!);
      if (c.credentialsEncrypted) {
        const creds = this.cipher.decrypt(c.credentialsEncrypted);
        const i = creds.indexOf(':');
        url.username = encodeURIComponent(decodeURIComponent(i < 0 ? creds : creds.slice(0, i)));
        if (i >= 0) url.password = encodeURIComponent(decodeURIComponent(creds.slice(i + 1)));
      }
      ingest = { type: 'rtsp', url: url.toString(), rtspTransport: c.rtspTransport };
    } else {
      ingest = { type: 'push', protocol: c.pushProtocol ?? 'rtmp' };
    }
    return {
      id: c.id,
      name: c.name,
      kind: c.kind,
      ingest,
      recordingEnabled: c.recordingEnabled,
      retentionDays: c.retentionDays,
      redaction: { method: c.redactionMethod ?? undefined },
    };
  }
}
