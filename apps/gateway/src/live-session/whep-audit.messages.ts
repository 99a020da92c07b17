import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Patterns, ServiceAuthGuard, type WhepAuditReport } from '@borderlens/contracts';
import { WhepAuditService } from './whep-audit.service';

/** Media nodes report WHEP session starts and ends and refused attempts (only media nodes may call: PatternCallers). */
@Controller()
@UseGuards(ServiceAuthGuard)
export class WhepAuditMessages {
  constructor(private readonly service: WhepAuditService) {}

  @MessagePattern(Patterns.gateway.whepEvents)
  async events(@Payload('data') data: WhepAuditReport): Promise<{ recorded: number }> {
    // An AppError leaves with its code and message through ErrorReplyFilter, as over HTTP.
    return { recorded: await this.service.record(data?.events) };
  }
}
