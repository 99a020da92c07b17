import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Patterns, ServiceAuthGuard, type WhepAuditReport } from '@borderlens/contracts';
import { AppError } from '../common/app-error';
import { WhepAuditService } from './whep-audit.service';

/** Media nodes report WHEP session starts and ends and refused attempts (only media nodes may call: PatternCallers). */
@Controller()
@UseGuards(ServiceAuthGuard)
export class WhepAuditMessages {
  constructor(private readonly service: WhepAuditService) {}

  @MessagePattern(Patterns.gateway.whepEvents)
  async events(@Payload('data') data: WhepAuditReport): Promise<{ recorded: number }> {
    try {
      return { recorded: await this.service.record(data?.events) };
    } catch (e) {
      if (e instanceof AppError) throw new RpcException({ code: e.code, message: e.message });
      throw e;
    }
  }
}
