import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import {
  Patterns,
  ServiceCallError,
  ServiceClient,
  isDetectReply,
  type AnalyticsCamera,
  type AnalyzeReply,
  type AnalyzeRequest,
  type CameraIngestInfo,
  type CameraIngestRequest,
  type PushKeyReply,
  type CameraStateReport,
  type DetectReply,
  type DetectRequest,
  type ExpiredSegment,
  type ExpiredSegmentsQuery,
  type SegmentsErased,
  type PushKeyLookup,
  type RecordingSegmentReport,
  type WhepAuditReport,
} from '@borderlens/contracts';
import { AnalyzerPort, DetectorPort, GatewayPort } from './ports';

/** The gateway over the transport (TCP or NATS), authenticated as the media service. */
@Injectable()
export class GatewayClient extends GatewayPort implements OnModuleDestroy {
  private readonly client: ServiceClient;

  constructor(@Inject(CONFIG) cfg: BorderlensConfig) {
    super();
    this.client = ServiceClient.create(cfg, 'media', 'gateway');
  }

  cameraIngest(cameraId: string): Promise<CameraIngestInfo> {
    return this.client.send<CameraIngestInfo, CameraIngestRequest>(Patterns.gateway.cameraIngest, { cameraId });
  }

  camerasToRecord(): Promise<CameraIngestInfo[]> {
    return this.client.send(Patterns.gateway.camerasToRecord, {});
  }

  async cameraState(report: CameraStateReport): Promise<void> {
    await this.client.send(Patterns.gateway.cameraState, report);
  }

  async resolvePushKey(key: string): Promise<string> {
    const reply = await this.client.send<PushKeyReply, PushKeyLookup>(Patterns.gateway.resolvePushKey, { key });
    return reply.cameraId;
  }

  async recordingSegment(report: RecordingSegmentReport): Promise<void> {
    await this.client.send(Patterns.gateway.recordingSegment, report);
  }

  expiredSegments(query: ExpiredSegmentsQuery): Promise<ExpiredSegment[]> {
    return this.client.send<ExpiredSegment[], ExpiredSegmentsQuery>(Patterns.gateway.expiredSegments, query);
  }

  async segmentsErased(erased: SegmentsErased): Promise<void> {
    await this.client.send(Patterns.gateway.segmentsErased, erased);
  }

  analyticsCameras(): Promise<AnalyticsCamera[]> {
    return this.client.send(Patterns.gateway.analyticsCameras, {});
  }

  async whepEvents(report: WhepAuditReport): Promise<void> {
    await this.client.send(Patterns.gateway.whepEvents, report);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}

/** Tries of the start-up detection (one a second): the anonymizer may come up after the media node. */
const WARM_UP_TRIES = 120;

/** The anonymizer over the transport. */
@Injectable()
export class AnonymizerClient extends DetectorPort implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(AnonymizerClient.name);
  private readonly client: ServiceClient;
  private closed = false;

  constructor(@Inject(CONFIG) private readonly cfg: BorderlensConfig) {
    super();
    this.client = ServiceClient.create(cfg, 'media', 'anonymizer');
  }

  onApplicationBootstrap(): void {
    void this.warmUp();
  }

  /**
   * One detection of a blank live-sized frame at start, in the background: the connection (and the
   * anonymizer's first inference) is set up before a viewer's first frame needs it within the live
   * budget, instead of that frame timing out and the picture starting masked or late.
   */
  private async warmUp(): Promise<void> {
    const width = this.cfg.media.detectWidth & ~1;
    const height = Math.max(2, Math.round((width * 9) / 16) & ~1);
    const data = Buffer.alloc(width * height * 1.5, 128);
    for (let i = 0; i < WARM_UP_TRIES && !this.closed; i++) {
      const started = performance.now();
      try {
        await this.detect({ width, height, format: 'i420', data, mode: 'live' }, 10_000);
        this.log.log(`anonymizer connection ready (first detection ${Math.round(performance.now() - started)} ms)`);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 1000).unref());
      }
    }
  }

  async detect(frame: DetectRequest, timeoutMs: number): Promise<DetectReply> {
    const reply = await this.client.send<unknown, DetectRequest>(Patterns.anonymizer.detect, frame, timeoutMs);
    if (!isDetectReply(reply)) throw new ServiceCallError(Patterns.anonymizer.detect, 'malformed detect reply');
    return reply;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.client.close();
  }
}

/** The anonymizer nodes' analytics over the transport. */
@Injectable()
export class AnalyzerClient extends AnalyzerPort implements OnModuleDestroy {
  private readonly client: ServiceClient;

  constructor(@Inject(CONFIG) cfg: BorderlensConfig) {
    super();
    this.client = ServiceClient.create(cfg, 'media', 'anonymizer');
  }

  analyze(req: AnalyzeRequest): Promise<AnalyzeReply> {
    return this.client.send<AnalyzeReply, AnalyzeRequest>(Patterns.anonymizer.analyze, req);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}
