import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Patterns, ServiceAuthGuard, type GrantChange } from '@borderlens/contracts';
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
  ) {}

  @MessagePattern(Patterns.media.health)
  health() {
    const alarm = this.recording.diskAlarm;
    return { status: alarm ? 'alarm' : 'ok', alarm, sessions: this.whep.list().length, cameras: this.ingest.list(), live: this.live.status(), recording: this.recording.recording() };
  }

  @MessagePattern(Patterns.media.grantChanged)
  grantChanged(@Payload('data') data: GrantChange): { sessions: number } {
    if (!data || typeof data.jti !== 'string' || (data.action !== 'end' && data.action !== 'downgrade')) {
      throw new RpcException({ code: 'bad_request', message: "a grant change needs jti and action 'end' or 'downgrade'" });
    }
    return this.whep.grantChanged({ jti: data.jti, action: data.action, reason: String(data.reason ?? '') });
  }
}
