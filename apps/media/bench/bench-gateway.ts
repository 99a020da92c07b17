import type { AnalyticsCamera, CameraIngestInfo, CameraStateReport, ExpiredSegment, RecordingSegmentReport } from '@borderlens/contracts';
import { GatewayPort } from '../src/transport/ports';

/** The gateway's answers for the benchmark, in memory (the benchmark measures the media node only). */
export class BenchGateway extends GatewayPort {
  cameras = new Map<string, CameraIngestInfo>();
  states: CameraStateReport[] = [];
  segments: RecordingSegmentReport[] = [];

  async cameraIngest(cameraId: string): Promise<CameraIngestInfo> {
    const c = this.cameras.get(cameraId);
    if (!c) throw new Error(`camera ${cameraId} not found`);
    return c;
  }

  async camerasToRecord(): Promise<CameraIngestInfo[]> {
    return [...this.cameras.values()].filter((c) => c.recordingEnabled);
  }

  async cameraState(report: CameraStateReport): Promise<void> {
    this.states.push(report);
  }

  async resolvePushKey(): Promise<string> {
    throw new Error('no push keys in the benchmark');
  }

  async recordingSegment(report: RecordingSegmentReport): Promise<void> {
    this.segments.push(report);
  }

  async expiredSegments(): Promise<ExpiredSegment[]> {
    return [];
  }

  async segmentsErased(): Promise<void> {
    // nothing expires during a benchmark
  }

  async whepEvents(): Promise<void> {
    // the benchmark has no audit trail
  }

  async analyticsCameras(): Promise<AnalyticsCamera[]> {
    return [];
  }
}
