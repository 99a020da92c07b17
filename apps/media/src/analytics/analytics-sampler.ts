import { Logger } from '@nestjs/common';
import { i420Size } from '@borderlens/redaction';
import type { AnalyticsCamera } from '@borderlens/contracts';
import { FLV_HEADER, type VideoFrame } from '../ffmpeg/flv';
import { sampleArgs, RawFrameSplitter } from '@borderlens/media';
import type { MediaProcess, ProcessRepository } from '@borderlens/media';
import type { SourceConsumer, StreamConfig } from '../ingest/video-source';
import type { AnalyzerPort } from '../transport/ports';

export interface SamplerOptions {
  fps: number;
  width: number;
}

/** Size of the sampled copy: `width` (never upscaled), the height following, both even (yuv420p). */
export function sampleSize(frameWidth: number, frameHeight: number, width: number): { width: number; height: number } {
  const w = Math.max(2, Math.min(width, frameWidth) & ~1);
  return { width: w, height: Math.max(2, Math.round((frameHeight * w) / frameWidth / 2) * 2) };
}

/**
 * Continuous analytics of one camera, whether anyone watches or not: its video decoded by ffmpeg at
 * a few frames per second on a downscaled copy, each sample sent to an anonymizer node to count,
 * with the counting state the previous reply returned. One sample at a time per camera (the state
 * chains them); a sample arriving while the previous is still being counted is dropped. The frames
 * and the state live in memory only.
 */
export class AnalyticsSampler implements SourceConsumer {
  private readonly log: Logger;
  private proc?: MediaProcess;
  private waitingForKey = true;
  private busy = false;
  private state?: unknown;
  private stopped = false;
  readonly stats = { samples: 0, sent: 0, dropped: 0, failed: 0 };

  constructor(
    private camera: AnalyticsCamera,
    private readonly processes: ProcessRepository,
    private readonly analyzer: AnalyzerPort,
    private readonly opts: SamplerOptions,
  ) {
    this.log = new Logger(`AnalyticsSampler:${camera.cameraId}`);
  }

  /** New zones or lines: the next sample starts counting afresh (the anonymizer sees the new revision). */
  reconfigure(camera: AnalyticsCamera): void {
    this.camera = camera;
  }

  get revision(): number {
    return this.camera.revision;
  }

  onConfig(config: StreamConfig): void {
    if (this.stopped) return;
    const old = this.proc;
    if (old) void old.stop(500);
    const { width, height } = sampleSize(config.width, config.height, this.opts.width);
    const proc = this.processes.ffmpeg(sampleArgs({ fps: this.opts.fps, width, height }));
    this.proc = proc;
    this.waitingForKey = true;
    const frames = new RawFrameSplitter(i420Size(width, height), (data) => {
      if (this.proc === proc) this.sample(data, width, height);
    });
    proc.stdout.on('data', (chunk: Buffer) => frames.push(chunk));
    void proc.exited.then((exit) => {
      if (this.proc === proc && !this.stopped) {
        this.log.warn(`sampler exited (${exit.code ?? exit.signal}): ${proc.lastLines(2).join(' | ')}`);
        this.proc = undefined;
      }
    });
    proc.write(FLV_HEADER);
    proc.write(config.tag);
  }

  onFrame(frame: VideoFrame, config: StreamConfig): void {
    if (this.stopped) return;
    if (!this.proc) this.onConfig(config);
    if (this.waitingForKey) {
      if (!frame.keyframe) return;
      this.waitingForKey = false;
    }
    this.proc!.write(frame.raw);
  }

  onEnd(): void {
    // The camera went away: the decoder restarts with the next stream configuration.
    const proc = this.proc;
    this.proc = undefined;
    void proc?.stop(500);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.proc?.stop(500);
  }

  private sample(data: Buffer, width: number, height: number): void {
    this.stats.samples++;
    if (this.busy) {
      this.stats.dropped++;
      return;
    }
    this.busy = true;
    this.stats.sent++;
    this.analyzer
      .analyze({ camera: this.camera, at: Date.now(), frame: { width, height, format: 'i420', data: Buffer.from(data) }, ...(this.state ? { state: this.state } : {}) })
      .then((reply) => {
        this.state = reply.state;
      })
      .catch((e: Error) => {
        this.stats.failed++;
        if (this.stats.failed === 1 || this.stats.failed % 100 === 0) this.log.warn(`analytics sample not counted (${this.stats.failed} so far): ${e.message}`);
      })
      .finally(() => (this.busy = false));
  }
}
