import { Logger } from '@nestjs/common';
import type { CameraState } from '@borderlens/contracts';
import { parseAvcConfig, parseSps, profileLevelId, type AvcConfig } from '../h264/h264';
import type { VideoFrame } from '../ffmpeg/flv';
import { AccessUnitAssembler } from './access-units';

/** The stream parameters every consumer needs before the first frame. */
export interface StreamConfig {
  avc: AvcConfig;
  /** AVCDecoderConfigurationRecord as received. */
  record: Buffer;
  /** The FLV tag that carried it (to start another ffmpeg on this stream). */
  tag: Buffer;
  width: number;
  height: number;
  profileLevelId: string;
}

export interface SourceConsumer {
  /** A new stream started (first connection, or a reconnect that may change size or codec settings). */
  onConfig(config: StreamConfig): void;
  onFrame(frame: VideoFrame, config: StreamConfig): void;
  /** The camera went away (the source will try again). */
  onEnd?(reason: string): void;
}

export interface StateSink {
  report(cameraId: string, state: CameraState, reason?: string): void;
}

export function streamConfig(record: Buffer, tag: Buffer): StreamConfig {
  const avc = parseAvcConfig(record);
  const sps = parseSps(avc.sps[0]);
  return { avc, record: Buffer.from(record), tag, width: sps.width, height: sps.height, profileLevelId: profileLevelId(avc) };
}

/** Most frames kept since a keyframe (10 s at 25 fps). */
const MAX_RECENT = 250;

/**
 * A camera's video as H.264 access units, fanned out to consumers (viewers, the anonymized pipeline,
 * the recorder). Subclasses feed it from a pulled camera or a pushing drone; it remembers the stream
 * configuration and measures the frame rate so late consumers can start at once.
 */
export abstract class VideoSource {
  protected readonly log: Logger;
  private readonly consumers = new Set<SourceConsumer>();
  config?: StreamConfig;
  /** Frames per second measured over the last frames (0 until known). */
  fps = 0;
  private lastDts: number[] = [];
  state: CameraState = 'offline';
  reason?: string;
  private readonly units = new AccessUnitAssembler((f) => this.deliver(f));
  /** Frames since the latest keyframe (none while an interval runs past MAX_RECENT): a consumer that starts now begins with them. */
  recent: VideoFrame[] = [];

  constructor(
    readonly cameraId: string,
    protected readonly states: StateSink,
  ) {
    this.log = new Logger(`${this.constructor.name}:${cameraId}`);
  }

  /** Adds a consumer; it gets the current config at once when there is one. Returns the unsubscribe. */
  subscribe(consumer: SourceConsumer): () => void {
    this.consumers.add(consumer);
    if (this.config) consumer.onConfig(this.config);
    return () => this.consumers.delete(consumer);
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  abstract start(): void;
  abstract stop(): Promise<void>;

  protected setState(state: CameraState, reason?: string): void {
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    if (state === 'online') this.log.log('online');
    else this.log.warn(`${state}${reason ? `: ${reason}` : ''}`);
    this.states.report(this.cameraId, state, reason);
  }

  protected emitConfig(record: Buffer, tag: Buffer): void {
    this.units.reset();
    const config = streamConfig(record, tag);
    this.config = config;
    this.lastDts = [];
    this.recent = [];
    for (const c of this.consumers) c.onConfig(config);
  }

  /** A frame (or one slice of a picture) from the camera; whole pictures go to the consumers. */
  protected emitFrame(frame: VideoFrame): void {
    this.units.push(frame);
  }

  private deliver(frame: VideoFrame): void {
    const config = this.config;
    if (!config) return;
    this.measureFps(frame.dts);
    if (frame.keyframe) this.recent = [frame];
    else if (this.recent.length && this.recent.length < MAX_RECENT) this.recent.push(frame);
    else this.recent = [];
    for (const c of this.consumers) {
      try {
        c.onFrame(frame, config);
      } catch (e) {
        this.log.error(`consumer failed: ${(e as Error).message}`);
      }
    }
  }

  protected emitEnd(reason: string): void {
    this.units.flush();
    for (const c of this.consumers) c.onEnd?.(reason);
  }

  private measureFps(dts: number): void {
    this.lastDts.push(dts);
    if (this.lastDts.length > 50) this.lastDts.shift();
    if (this.lastDts.length >= 5) {
      const span = this.lastDts[this.lastDts.length - 1] - this.lastDts[0];
      if (span > 0) this.fps = Math.round((((this.lastDts.length - 1) * 1000) / span) * 100) / 100;
    }
  }
}
