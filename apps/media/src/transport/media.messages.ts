import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { BROADCAST, Patterns, ServiceAuthGuard, type ClipExportRequest, type ClipExportStatus, type GrantChange } from '@borderlens/contracts';
import { ClipError, ClipService } from '../clip/clip.service';
import { IngestService } from '../ingest/ingest.service';
import { LiveService } from '../live/live.service';
import { WhepService } from '../egress/whep.service';
import { RecordingService } from '../recording/recording.service';

/** Calls from the gateway over the transport (service-token authenticated). */
@Controller()
@UseGuards(ServiceAuthGuard)
export class MediaMessages {
  constructor(
    private readonly whep: WhepService,
    private readonly live: LiveService,
    private readonly ingest: IngestService,
    private readonly recording: RecordingService,
    private readonly clips: ClipService,
  ) {}

  @MessagePattern(Patterns.media.health)
  health() {
    const alarm = this.recording.diskAlarm;
    return { status: alarm ? 'alarm' : 'ok', alarm, sessions: this.whep.list().length, cameras: this.ingest.list(), live: this.live.status(), recording: this.recording.recording() };
  }

  /** Every media node gets this (BROADCAST, no NATS queue group): each one ends or downgrades its own sessions. */
  @MessagePattern(Patterns.media.grantChanged, BROADCAST)
  grantChanged(@Payload('data') data: GrantChange): { sessions: number } {
    if (!data || typeof data.jti !== 'string' || (data.action !== 'end' && data.action !== 'downgrade')) {
      throw new RpcException({ code: 'bad_request', message: "a grant change needs jti and action 'end' or 'downgrade'" });
    }
    return this.whep.grantChanged({ jti: data.jti, action: data.action, reason: String(data.reason ?? '') });
  }

  @MessagePattern(Patterns.media.clipExport)
  exportClip(@Payload('data') data: ClipExportRequest): ClipExportStatus {
    try {
      return this.clips.start(data);
    } catch (e) {
      if (e instanceof ClipError) throw new RpcException({ code: 'bad_request', message: e.message });
      throw e;
    }
  }

  @MessagePattern(Patterns.media.clipStatus)
  clipStatus(@Payload('data') data: { clipId: string }): ClipExportStatus {
    const s = this.clips.status(String(data?.clipId));
    if (!s) throw new RpcException({ code: 'not_found', message: `no clip export ${data?.clipId}` });
    return s;
  }
}
