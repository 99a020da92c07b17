import { Controller, Inject, Module, UseGuards, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, RpcException, type MicroserviceOptions } from '@nestjs/microservices';
import { type BorderlensConfig } from '@borderlens/config';
import {
  Patterns,
  ServiceAuthGuard,
  ServiceTokens,
  serverTransport,
  type CameraIngestInfo,
  type CameraStateReport,
  type ExpiredSegment,
  type RecordingSegmentReport,
  type SegmentsErased,
  type WhepAuditEvent,
  type WhepAuditReport,
} from '@borderlens/contracts';

/** What the fake gateway knows and what it was told (tests read and change it). */
export class FakeGatewayState {
  cameras = new Map<string, CameraIngestInfo>();
  /** Cameras disabled by their administrators: refused to the media node, left out of those to record. */
  disabled = new Set<string>();
  pushKeys = new Map<string, string>();
  states: (CameraStateReport & { at: number })[] = [];
  /** The segment index: one entry per (media node, path), as the gateway's unique key keeps it. */
  segments: RecordingSegmentReport[] = [];
  /** Reports of a segment already indexed (a crash between the gateway's answer and the node's journal). */
  repeatedSegmentReports = 0;
  /** What expiredSegments answers (tests fill it); erased ids are removed and recorded. */
  expired: ExpiredSegment[] = [];
  erased: string[] = [];
  /** WHEP session and refusal events reported for the audit trail. */
  whepEvents: WhepAuditEvent[] = [];

  lastState(cameraId: string): CameraStateReport | undefined {
    return [...this.states].reverse().find((s) => s.cameraId === cameraId);
  }
}

const STATE = Symbol('FAKE_GATEWAY_STATE');

@Controller()
@UseGuards(ServiceAuthGuard)
class FakeGatewayMessages {
  constructor(@Inject(STATE) private readonly st: FakeGatewayState) {}

  @MessagePattern(Patterns.gateway.cameraIngest)
  ingest(@Payload('data') d: { cameraId: string }): CameraIngestInfo {
    const c = this.st.cameras.get(d?.cameraId);
    if (!c) throw new RpcException({ code: 'not_found', message: `camera ${d?.cameraId} not found` });
    if (this.st.disabled.has(c.id)) throw new RpcException({ code: 'camera_disabled', message: `camera '${c.name}' is disabled by its administrators` });
    return c;
  }

  @MessagePattern(Patterns.gateway.camerasToRecord)
  toRecord(): CameraIngestInfo[] {
    return [...this.st.cameras.values()].filter((c) => c.recordingEnabled && !this.st.disabled.has(c.id));
  }

  /** No camera has analytics on in the media tests (test/analytics covers them with the real gateway). */
  @MessagePattern(Patterns.gateway.analyticsCameras)
  analyticsCameras(): [] {
    return [];
  }

  @MessagePattern(Patterns.gateway.cameraState)
  state(@Payload('data') d: CameraStateReport): { ok: true } {
    this.st.states.push({ ...d, at: Date.now() });
    return { ok: true };
  }

  @MessagePattern(Patterns.gateway.resolvePushKey)
  pushKey(@Payload('data') d: { key: string }): { cameraId: string } {
    const id = this.st.pushKeys.get(d?.key);
    if (!id) throw new RpcException({ code: 'not_found', message: 'push_key not found' });
    return { cameraId: id };
  }

  @MessagePattern(Patterns.gateway.expiredSegments)
  expiredSegments(@Payload('data') d: { limit?: number }): ExpiredSegment[] {
    return this.st.expired.slice(0, d?.limit ?? 500);
  }

  @MessagePattern(Patterns.gateway.segmentsErased)
  segmentsErased(@Payload('data') d: SegmentsErased): { erased: number } {
    this.st.erased.push(...d.ids);
    this.st.expired = this.st.expired.filter((s) => !d.ids.includes(s.id));
    return { erased: d.ids.length };
  }

  @MessagePattern(Patterns.gateway.whepEvents)
  whepEvents(@Payload('data') d: WhepAuditReport): { recorded: number } {
    this.st.whepEvents.push(...(d?.events ?? []));
    return { recorded: d?.events?.length ?? 0 };
  }

  @MessagePattern(Patterns.gateway.recordingSegment)
  segment(@Payload('data') d: RecordingSegmentReport): { ok: true } {
    // Like the gateway's insert-or-ignore: delivery is at least once, the index holds each segment once.
    if (this.st.segments.some((s) => s.mediaNode === d.mediaNode && s.path === d.path)) this.st.repeatedSegmentReports++;
    else this.st.segments.push(d);
    return { ok: true };
  }
}

/**
 * A stand-in for the gateway's transport side, for media tests only: a real microservice on the
 * configured transport, with service-token checks, answering from an in-memory table.
 */
export async function startFakeGateway(cfg: BorderlensConfig, state = new FakeGatewayState()): Promise<{ app: INestMicroservice; state: FakeGatewayState }> {
  @Module({
    controllers: [FakeGatewayMessages],
    providers: [{ provide: STATE, useValue: state }, { provide: ServiceTokens, useValue: ServiceTokens.forApp(cfg, 'gateway') }, ServiceAuthGuard],
  })
  class FakeGatewayModule {}
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(FakeGatewayModule, { ...serverTransport(cfg, 'gateway'), logger: false });
  await app.listen();
  return { app, state };
}
