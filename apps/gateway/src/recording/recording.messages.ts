import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Patterns, ServiceAuthGuard, type ExpiredSegment, type ExpiredSegmentsQuery, type RecordingSegmentReport, type SegmentsErased } from '@borderlens/contracts';
import { RecordingService } from './recording.service';

/** Calls from media nodes: index finished segments, ask what retention lets them delete, confirm deletions. */
@Controller()
@UseGuards(ServiceAuthGuard)
export class RecordingMessages {
  constructor(private readonly service: RecordingService) {}

  @MessagePattern(Patterns.gateway.recordingSegment)
  async segment(@Payload('data') data: RecordingSegmentReport): Promise<{ id: string }> {
    return { id: await this.service.index(data) };
  }

  @MessagePattern(Patterns.gateway.expiredSegments)
  expired(@Payload('data') data: ExpiredSegmentsQuery): Promise<ExpiredSegment[]> {
    return this.service.expired(data);
  }

  @MessagePattern(Patterns.gateway.segmentsErased)
  async erased(@Payload('data') data: SegmentsErased): Promise<{ erased: number }> {
    return { erased: await this.service.erased(data) };
  }
}
