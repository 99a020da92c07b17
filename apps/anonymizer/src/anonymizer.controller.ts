import { Controller, UseFilters, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { ErrorReplyFilter } from '@borderlens/common';
import { Patterns, ServiceAuthGuard, type AnalyzeReply, type AnonymizerHealth, type DetectReply, type RedactReply } from '@borderlens/contracts';
import { AnonymizerError, AnonymizerService } from './anonymizer.service';
import { AnalyzeRequestDto, DetectRequestDto, RedactRequestDto } from './anonymizer.dto';
import { AnalyticsService } from './analytics/analytics.service';

/**
 * Errors leave as {code, message} through the apps' one mapping (ErrorReplyFilter): an AnonymizerError
 * with its code, anything unexpected as inference_failed (fail closed: the caller gets no frame).
 */
export const anonymizerErrorFilter = new ErrorReplyFilter({
  known: (e) => (e instanceof AnonymizerError ? { status: e.code === 'bad_request' ? 400 : 503, code: e.code, message: e.message } : undefined),
  unexpected: (e) => ({ code: 'inference_failed', message: e instanceof Error ? e.message : String(e) }),
});

const validation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) =>
    new RpcException({
      code: 'bad_request',
      message: errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...(e.children ?? []).flatMap((c) => Object.values(c.constraints ?? {}))]).join('; '),
    }),
});

/** The anonymizer over the apps' transport; every call needs a service token. */
@Controller()
@UseGuards(ServiceAuthGuard)
@UseFilters(anonymizerErrorFilter)
export class AnonymizerController {
  constructor(
    private readonly anonymizer: AnonymizerService,
    private readonly analytics: AnalyticsService,
  ) {}

  @MessagePattern(Patterns.anonymizer.health)
  health(): AnonymizerHealth {
    return this.anonymizer.health();
  }

  @MessagePattern(Patterns.anonymizer.detect)
  @UsePipes(validation)
  detect(@Payload('data') req: DetectRequestDto): Promise<DetectReply> {
    return this.anonymizer.detect(req);
  }

  @MessagePattern(Patterns.anonymizer.redact)
  @UsePipes(validation)
  redact(@Payload('data') req: RedactRequestDto): Promise<RedactReply> {
    return this.anonymizer.redact(req);
  }

  @MessagePattern(Patterns.anonymizer.analyze)
  @UsePipes(validation)
  analyze(@Payload('data') req: AnalyzeRequestDto): Promise<AnalyzeReply> {
    return this.analytics.analyze(req);
  }
}
