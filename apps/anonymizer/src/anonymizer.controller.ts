import { Controller, UseFilters, UseGuards, UsePipes, ValidationPipe, type ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { Patterns, ServiceAuthGuard, type AnalyzeReply, type AnonymizerHealth, type DetectReply, type RedactReply } from '@borderlens/contracts';
import { AnonymizerError, AnonymizerService } from './anonymizer.service';
import { AnalyzeRequestDto, DetectRequestDto, RedactRequestDto } from './anonymizer.dto';
import { AnalyticsService } from './analytics/analytics.service';

/** Errors leave as {code, message}: known ones with their code, anything else as inference_failed. */
@Catch()
export class AnonymizerErrorFilter implements RpcExceptionFilter<unknown> {
  catch(e: unknown, _host: ArgumentsHost): Observable<never> {
    if (e instanceof RpcException) return throwError(() => e.getError());
    if (e instanceof AnonymizerError) return throwError(() => ({ code: e.code, message: e.message }));
    return throwError(() => ({ code: 'inference_failed', message: e instanceof Error ? e.message : String(e) }));
  }
}

const validation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => new RpcException({
    code: 'bad_request',
    message: errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...(e.children ?? []).flatMap((c) => Object.values(c.constraints ?? {}))]).join('; '),
  }),
});

/** The anonymizer over the apps' transport; every call needs a service token. */
@Controller()
@UseGuards(ServiceAuthGuard)
@UseFilters(AnonymizerErrorFilter)
export class AnonymizerController {
  constructor(private readonly anonymizer: AnonymizerService, private readonly analytics: AnalyticsService) {}

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
