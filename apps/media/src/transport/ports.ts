import type {
  WhepAuditReport,
  AnalyticsCamera,
  AnalyzeReply,
  AnalyzeRequest,
  CameraIngestInfo,
  CameraStateReport,
  DetectReply,
  DetectRequest,
  ExpiredSegment,
  ExpiredSegmentsQuery,
  RecordingSegmentReport,
  SegmentsErased,
} from '@borderlens/contracts';

/**
 * What the media node asks of the gateway. An abstract class so it doubles as the injection token;
 * GatewayClient implements it over the transport, tests use an in-memory fake or a fake gateway.
 */
export abstract class GatewayPort {
  abstract cameraIngest(cameraId: string): Promise<CameraIngestInfo>;
  abstract camerasToRecord(): Promise<CameraIngestInfo[]>;
  abstract cameraState(report: CameraStateReport): Promise<void>;
  /** The camera id a push key belongs to; rejects when the key is unknown or revoked. */
  abstract resolvePushKey(key: string): Promise<string>;
  abstract recordingSegment(report: RecordingSegmentReport): Promise<void>;
  /** Segments of this node past retention and under no legal hold (the gateway decides). */
  abstract expiredSegments(query: ExpiredSegmentsQuery): Promise<ExpiredSegment[]>;
  abstract segmentsErased(erased: SegmentsErased): Promise<void>;
  /** Cameras with analytics on, and their zones and lines. */
  abstract analyticsCameras(): Promise<AnalyticsCamera[]>;
  /** WHEP session starts and ends and refused attempts, for the audit trail. */
  abstract whepEvents(report: WhepAuditReport): Promise<void>;
}

/** Face and plate detection on a frame (the anonymizer service). */
export abstract class DetectorPort {
  abstract detect(frame: DetectRequest, timeoutMs: number): Promise<DetectReply>;
}

/** Counting persons and vehicles in sampled frames (any anonymizer node of the queue group). */
export abstract class AnalyzerPort {
  abstract analyze(req: AnalyzeRequest): Promise<AnalyzeReply>;
}
