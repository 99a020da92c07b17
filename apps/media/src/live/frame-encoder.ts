import { Logger } from '@nestjs/common';
import { FlvDemuxer, type VideoFrame } from '../ffmpeg/flv';
import { encodeArgs, type EncodeOptions } from '@borderlens/media';
import type { MediaProcess, ProcessRepository } from '@borderlens/media';
import { streamConfig, type StreamConfig } from '../ingest/video-source';
import type { DecodedFrame } from './decoded-frame';

export interface EncodedSink {
  /** A new stream; `recent`: its frames since the latest keyframe, for a sink that joins it running. */
  onConfig(config: StreamConfig, recent?: readonly VideoFrame[]): void;
  onFrame(frame: VideoFrame): void;
}

/** Most encoded frames kept since the latest keyframe (a longer interval is not kept). */
const MAX_RECENT = 250;

/**
 * yuv420p frames -> x264 -> H.264 access units for viewers. Each encoded picture leaves with the
 * camera's own timestamp of the picture that went in (x264 here keeps order and drops nothing:
 * no B-frames, no lookahead), so viewers' RTP time is the camera's, as for raw video; stamping at
 * the encoder instead gave two pictures the same millisecond when they arrived together. When x264
 * falls behind, frames are dropped here instead of queueing latency.
 */
export class FrameEncoder {
  private readonly log: Logger;
  private proc?: MediaProcess;
  private size?: { width: number; height: number };
  private config?: StreamConfig;
  private readonly sinks = new Set<EncodedSink>();
  /** Encoded frames since the latest keyframe: a viewer who joins starts with them, not at the next keyframe. */
  private recent: VideoFrame[] = [];
  private stopped = false;
  framesIn = 0;
  framesOut = 0;
  dropped = 0;
  /** Frames inside x264: when they entered and their camera timestamp. */
  private entered: { at: number; pts: number }[] = [];
  lastLatencyMs = 0;

  constructor(
    name: string,
    private readonly processes: ProcessRepository,
    private readonly opts: Omit<EncodeOptions, 'width' | 'height'>,
  ) {
    this.log = new Logger(`FrameEncoder:${name}`);
  }

  addSink(sink: EncodedSink): void {
    this.sinks.add(sink);
    if (this.config) sink.onConfig(this.config, this.recent);
  }

  /** Starts x264 ahead of the first picture (its start-up overlaps the decoder's and the first detection). */
  prepare(width: number, height: number): void {
    if (!this.stopped && !this.proc) this.start(width, height);
  }

  removeSink(sink: EncodedSink): void {
    this.sinks.delete(sink);
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  push(frame: DecodedFrame): void {
    if (this.stopped) return;
    if (!this.proc || this.size?.width !== frame.width || this.size?.height !== frame.height) this.start(frame.width, frame.height);
    const proc = this.proc!;
    // More than ~3 frames waiting in the pipe: x264 is behind; drop rather than add delay.
    if (proc.stdin.writableLength > frame.data.length * 3) {
      this.dropped++;
      return;
    }
    this.framesIn++;
    this.entered.push({ at: Date.now(), pts: frame.pts });
    if (this.entered.length > 100) this.entered.shift();
    proc.write(frame.data);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.proc?.stop(500);
  }

  private start(width: number, height: number): void {
    if (this.proc) void this.proc.stop(500);
    this.size = { width, height };
    this.entered = [];
    this.recent = [];
    const proc = this.processes.ffmpeg(encodeArgs({ width, height, ...this.opts }));
    this.proc = proc;
    const demux = new FlvDemuxer({
      onConfig: (record, tag) => {
        this.config = streamConfig(record, tag);
        this.recent = [];
        for (const s of this.sinks) s.onConfig(this.config);
      },
      onFrame: (f) => {
        this.framesOut++;
        const t = this.entered.shift();
        if (t) this.lastLatencyMs = Date.now() - t.at;
        const out = t ? { ...f, pts: t.pts, dts: t.pts } : f;
        if (out.keyframe) this.recent = [out];
        else if (this.recent.length && this.recent.length < MAX_RECENT) this.recent.push(out);
        else this.recent = [];
        for (const s of this.sinks) s.onFrame(out);
      },
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      if (this.proc === proc) demux.push(chunk);
    });
    void proc.exited.then((exit) => {
      if (this.proc === proc && !this.stopped) {
        this.log.warn(`encoder exited (${exit.code ?? exit.signal}): ${proc.lastLines(2).join(' | ')}`);
        this.proc = undefined;
      }
    });
  }
}
