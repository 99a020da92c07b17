import { Logger } from '@nestjs/common';
import { i420Size } from '@borderlens/redaction';
import { FLV_HEADER, type VideoFrame } from '../ffmpeg/flv';
import { decodeArgs, RawFrameSplitter } from '@borderlens/media';
import type { MediaProcess, ProcessRepository } from '@borderlens/media';
import type { StreamConfig } from '../ingest/video-source';
import type { DecodedFrame } from './decoded-frame';

/** Most frames decoded to catch up with a stream (two seconds at 25 fps). */
const MAX_CATCH_UP = 50;
/** Frames in without a picture out before the decoder is reported stuck (four seconds at 25 fps). */
const STUCK_AFTER = 100;

/**
 * A camera's H.264 decoded to yuv420p by ffmpeg: FLV tags in on stdin, fixed-size raw frames out on
 * stdout. A new stream configuration (camera reconnected) restarts the decoder at the new size.
 */
export class FrameDecoder {
  private readonly log: Logger;
  private proc?: MediaProcess;
  private config?: StreamConfig;
  private waitingForKey = true;
  /** Arrival info of frames sent in, in presentation order, matched to frames coming out. */
  private inFlight: { pts: number; at: number; skip?: boolean }[] = [];
  private seq = 0;
  private stopped = false;
  /** Frames sent in since the last picture came out. */
  private sinceOut = 0;
  framesIn = 0;
  framesOut = 0;
  /** From a compressed frame's arrival to its picture leaving the decoder, ms (last frame). */
  lastLatencyMs = 0;

  constructor(
    name: string,
    private readonly processes: ProcessRepository,
    private readonly onFrame: (f: DecodedFrame) => void,
  ) {
    this.log = new Logger(`FrameDecoder:${name}`);
  }

  onConfig(config: StreamConfig): void {
    if (this.stopped) return;
    this.config = config;
    this.restart();
  }

  /**
   * The camera's frames since its latest keyframe, for a decoder started mid-stream: all are decoded
   * (each needs the ones before), only the newest comes out, so the first picture is there now
   * instead of at the camera's next keyframe.
   */
  catchUp(frames: readonly VideoFrame[]): void {
    // A long keyframe interval would cost more decoding than waiting for the next keyframe saves.
    if (!frames[0]?.keyframe || frames.length > MAX_CATCH_UP) return;
    frames.forEach((f, i) => this.push(f, i < frames.length - 1));
  }

  push(frame: VideoFrame, skip = false): void {
    const proc = this.proc;
    if (!proc || this.stopped) return;
    if (this.waitingForKey) {
      if (!frame.keyframe) return;
      this.waitingForKey = false;
    }
    // Presentation order: with B-frames the decoder outputs frames sorted by pts.
    const entry = { pts: frame.pts, at: Date.now(), ...(skip ? { skip } : {}) };
    let i = this.inFlight.length;
    while (i > 0 && this.inFlight[i - 1].pts > entry.pts) i--;
    this.inFlight.splice(i, 0, entry);
    if (this.inFlight.length > 300) this.inFlight.shift();
    this.framesIn++;
    // Viewers of this camera get nothing while this lasts: say why, once, with ffmpeg's words.
    if (++this.sinceOut === STUCK_AFTER) this.log.warn(`${STUCK_AFTER} frames in and no picture out: ${proc.lastLines(3).join(' | ') || 'ffmpeg said nothing'}`);
    proc.write(frame.raw);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.proc?.stop(500);
  }

  private restart(): void {
    const old = this.proc;
    if (old) void old.stop(500);
    const { width, height } = this.config!;
    const proc = this.processes.ffmpeg(decodeArgs({ width, height }));
    this.proc = proc;
    this.inFlight = [];
    this.waitingForKey = true;
    this.sinceOut = 0;
    const frames = new RawFrameSplitter(i420Size(width, height), (data) => this.emit(data, width, height));
    proc.stdout.on('data', (chunk: Buffer) => {
      if (this.proc === proc) frames.push(chunk);
    });
    void proc.exited.then((exit) => {
      if (this.proc === proc && !this.stopped) {
        this.log.warn(`decoder exited (${exit.code ?? exit.signal}): ${proc.lastLines(2).join(' | ')}`);
        this.proc = undefined;
        // Restart at the next keyframe rather than leave viewers without pictures.
        if (this.config) setTimeout(() => !this.stopped && !this.proc && this.restart(), 200);
      }
    });
    proc.write(FLV_HEADER);
    proc.write(this.config!.tag);
  }

  private emit(data: Buffer, width: number, height: number): void {
    const info = this.inFlight.shift() ?? { pts: 0, at: Date.now() };
    this.sinceOut = 0;
    if (info.skip) return;
    this.framesOut++;
    this.lastLatencyMs = Date.now() - info.at;
    this.onFrame({ data, width, height, seq: this.seq++, pts: info.pts, at: info.at });
  }
}
