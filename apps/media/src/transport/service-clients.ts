import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
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

/** The anonymizer over the transport. */
@Injectable()
export class AnonymizerClient extends DetectorPort implements OnModuleDestroy {
  private readonly client: ServiceClient;

  constructor(@Inject(CONFIG) cfg: BorderlensConfig) {
    super();
    this.client = ServiceClient.create(cfg, 'media', 'anonymizer');
  }

  async detect(frame: DetectRequest, timeoutMs: number): Promise<DetectReply> {
    const reply = await this.client.send<unknown, DetectRequest>(Patterns.anonymizer.detect, frame, timeoutMs);
    if (!isDetectReply(reply)) throw new ServiceCallError(Patterns.anonymizer.detect, 'malformed detect reply');
    return reply;
  }

  async onModuleDestroy(): Promise<void> {
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
