import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Patterns, ServiceAuthGuard, type AnalyticsCamera, type AnalyticsMinutesReport } from '@borderlens/contracts';
import { AnalyticsService } from './analytics.service';

/** Calls from media nodes (which cameras to sample) and anonymizers (the counts). */
@Controller()
@UseGuards(ServiceAuthGuard)
export class AnalyticsMessages {
  constructor(private readonly service: AnalyticsService) {}

  @MessagePattern(Patterns.gateway.analyticsCameras)
  cameras(): Promise<AnalyticsCamera[]> {
    return this.service.analyticsCameras();
  }

  @MessagePattern(Patterns.gateway.analyticsMinutes)
  minutes(@Payload('data') data: AnalyticsMinutesReport): Promise<{ stored: number }> {
    return this.service.ingest(data);
  }
}
