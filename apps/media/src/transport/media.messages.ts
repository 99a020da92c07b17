import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  BROADCAST,
  Patterns,
  ServiceAuthGuard,
  type CameraDisabledChange,
  type CameraProbeRequest,
  type CameraProbeResult,
  type ClipChunk,
  type ClipExportRequest,
  type ClipExportStatus,
  type GrantChange,
  type RecordingStill,
  type RecordingStillRequest,
} from '@borderlens/contracts';
import { ErrorReplyFilter } from '@borderlens/common';
import { ClipService } from '../clip/clip.service';
import { StillService } from '../clip/still.service';
import { IngestService } from '../ingest/ingest.service';
import { LiveService } from '../live/live.service';
import { WhepConnectionService } from '../egress/whep-connection.service';
import { RecorderService } from '../recording/recorder.service';
import { mediaErrors } from '../media-errors';

/**
 * Calls from the gateway over the transport (service-token authenticated). Errors become replies in
 * one place, ErrorReplyFilter with mediaErrors (a ClipError is a bad_request, a ClipNotFound not_found).
 */
@Controller()
@UseGuards(ServiceAuthGuard)
@UseFilters(new ErrorReplyFilter({ known: mediaErrors }))
export class MediaMessages {
  constructor(
    private readonly whep: WhepConnectionService,
    private readonly live: LiveService,
    private readonly ingest: IngestService,
    private readonly recording: RecorderService,
    private readonly clips: ClipService,
    private readonly stills: StillService,
  ) {}

  @MessagePattern(Patterns.media.health)
  health() {
    const alarm = this.recording.diskAlarm;
    return {
      status: alarm ? 'alarm' : 'ok',
      alarm,
      sessions: this.whep.list().length,
      cameras: this.ingest.list(),
      live: this.live.status(),
      recording: this.recording.recording(),
    };
  }

  /** Every media node gets this (BROADCAST, no NATS queue group): each one ends or downgrades its own sessions. */
  @MessagePattern(Patterns.media.grantChanged, BROADCAST)
  grantChanged(@Payload('data') data: GrantChange): { sessions: number } {
    if (!data || typeof data.jti !== 'string' || (data.action !== 'end' && data.action !== 'downgrade')) {
      throw new RpcException({ code: 'bad_request', message: "a grant change needs jti and action 'end' or 'downgrade'" });
    }
    return this.whep.grantChanged({ jti: data.jti, action: data.action, reason: String(data.reason ?? '') });
  }

  /**
   * Every media node gets this (BROADCAST). A disabled camera's source stops at once for every holder;
   * the recorders then follow the gateway's list of cameras to record, which leaves disabled cameras out.
   */
  @MessagePattern(Patterns.media.cameraDisabled, BROADCAST)
  async cameraDisabled(@Payload('data') data: CameraDisabledChange): Promise<{ stopped: boolean }> {
    if (!data || typeof data.cameraId !== 'string' || typeof data.disabled !== 'boolean') {
      throw new RpcException({ code: 'bad_request', message: 'a camera change needs cameraId and disabled' });
    }
    const stopped = data.disabled ? await this.ingest.stopCamera(data.cameraId) : false;
    await this.recording.resync();
    return { stopped };
  }

  @MessagePattern(Patterns.media.clipExport)
  exportClip(@Payload('data') data: ClipExportRequest): ClipExportStatus {
    return this.clips.start(data);
  }

  @MessagePattern(Patterns.media.clipStatus)
  async clipStatus(@Payload('data') data: { clipId: string }): Promise<ClipExportStatus> {
    const s = await this.clips.status(String(data?.clipId));
    if (!s) throw new RpcException({ code: 'not_found', message: `no clip export ${data?.clipId}` });
    return s;
  }

  @MessagePattern(Patterns.media.clipRead)
  clipRead(@Payload('data') data: { clipId: string; offset: number; length?: number }): ClipChunk {
    return this.clips.read(data?.clipId, data?.offset, data?.length);
  }

  @MessagePattern(Patterns.media.clipDelete)
  clipDelete(@Payload('data') data: { clipId: string }): { deleted: boolean } {
    return { deleted: this.clips.delete(data?.clipId) };
  }

  @MessagePattern(Patterns.media.cameraProbe)
  probeCamera(@Payload('data') data: CameraProbeRequest): Promise<CameraProbeResult> {
    return this.ingest.probeCamera(data);
  }

  @MessagePattern(Patterns.media.recordingStill)
  recordingStill(@Payload('data') data: RecordingStillRequest): Promise<RecordingStill> {
    return this.stills.still(data);
  }
}
