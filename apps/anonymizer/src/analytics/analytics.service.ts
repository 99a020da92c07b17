import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import {
  Patterns,
  ServiceClient,
  ServiceName,
  type AnalyticsClass,
  type AnalyticsLive,
  type AnalyticsMinute,
  type AnalyticsMinutesReport,
  type AnalyzeReply,
  type AnalyzeRequest,
} from '@borderlens/contracts';
import { AnonymizerService } from '../anonymizer.service';
import { CameraCounter } from './counter';

/** Where the anonymizer sends its counts: the gateway over the transport (a fake in tests). */
export abstract class AnalyticsSink {
  abstract report(report: AnalyticsMinutesReport): Promise<void>;
}

export class GatewayAnalyticsSink extends AnalyticsSink {
  constructor(private readonly client: ServiceClient) {
    super();
  }

  static create(cfg: BorderlensConfig): GatewayAnalyticsSink {
    return new GatewayAnalyticsSink(ServiceClient.create(cfg, ServiceName.anonymizer, ServiceName.gateway));
  }

  async report(report: AnalyticsMinutesReport): Promise<void> {
    await this.client.send(Patterns.gateway.analyticsMinutes, report);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Finished minutes kept for a retry when the gateway cannot be reached, at most (about 2 hours of 10 cameras with 5 zones). */
const MAX_PENDING = 50_000;

/**
 * Analytics of sampled frames: persons and vehicles detected, followed and counted per camera
 * (CameraCounter), the finished minutes and the latest live counts sent to the gateway every
 * analytics.reportSec. Stateless between samples apart from that outbox: a camera's counting state
 * travels with its samples, so any node of the queue group can take the next one.
 * Boxes, tracks and frames are never stored.
 */
@Injectable()
export class AnalyticsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(AnalyticsService.name);
  private pending: AnalyticsMinute[] = [];
  private live = new Map<string, AnalyticsLive>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly anonymizer: AnonymizerService,
    private readonly sink: AnalyticsSink,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.cfg.analytics.reportSec * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.sink instanceof GatewayAnalyticsSink) await this.sink.close();
  }

  async analyze(req: AnalyzeRequest): Promise<AnalyzeReply> {
    const started = performance.now();
    const { frame, objects } = await this.anonymizer.objects(req.frame);
    const counter = new CameraCounter(req.camera, req.state);
    const { finished, live } = counter.sample(
      req.at,
      objects.map((o) => ({
        cls: o.cls,
        box: [o.box[0] / frame.width, o.box[1] / frame.height, o.box[2] / frame.width, o.box[3] / frame.height],
      })),
    );
    this.pending.push(...finished);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    this.live.set(live.cameraId, live);
    if (finished.length) void this.flush();
    const counts: Partial<Record<AnalyticsClass, number>> = {};
    for (const o of objects) counts[o.cls] = (counts[o.cls] ?? 0) + 1;
    return { objects: counts, state: counter.snapshot(), ms: Math.round((performance.now() - started) * 10) / 10 };
  }

  /** Sends the finished minutes and the latest live counts; minutes stay for the next try when it fails. */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    if (!this.pending.length && !this.live.size) return;
    const minutes = this.pending;
    const live = [...this.live.values()];
    this.pending = [];
    this.live = new Map();
    try {
      await this.sink.report({ minutes, live });
    } catch (e) {
      this.pending = minutes.concat(this.pending);
      this.log.warn(`analytics report not taken (will retry): ${(e as Error).message}`);
    }
  }
}
