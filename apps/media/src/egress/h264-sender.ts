import type { VideoFrame } from '../ffmpeg/flv';
import { joinNalus } from '../h264/h264';
import type { StreamConfig } from '../ingest/video-source';

/** Where a viewer's access units go (a WebRTC peer, or a fake in tests). */
export interface FrameTransport {
  send(nalus: Buffer, rtpTimestamp: number): boolean;
  /** False while the connection is not open yet (what is sent then is lost); absent: always try. */
  readonly open?: boolean;
}

/** What a live pipeline delivers to each of its viewers. */
export interface VideoSink {
  /**
   * A new stream; `recent` are its frames since the latest keyframe when the viewer joins a running
   * stream, so the viewer can start at once instead of waiting for the next keyframe.
   */
  onConfig(config: StreamConfig, recent?: readonly VideoFrame[]): void;
  onFrame(frame: VideoFrame): void;
}

/** Most frames kept for a start (from a keyframe on); a longer wait starts again at the next keyframe. */
const MAX_PENDING = 250;

/**
 * Turns a pipeline's frames into what a decoder that joins mid-stream needs: nothing until a
 * keyframe, SPS and PPS in front of every keyframe, and an RTP clock that keeps running smoothly
 * when the pipeline behind it changes (camera reconnect, switch from raw to anonymized).
 *
 * A start (the first picture, or the first after a new stream) is the frames from the latest
 * keyframe on, kept until the connection is open and then sent at once, one RTP tick apart: the
 * browser decodes them in a burst and shows the newest picture now, instead of the viewer waiting
 * for the next keyframe (up to a keyframe interval) or the browser playing them a second late.
 */
export class H264Sender implements VideoSink {
  private config?: StreamConfig;
  private paramSets?: Buffer;
  private waitingForKey = true;
  /** The start being collected: a keyframe and the frames after it. */
  private pending: VideoFrame[] = [];
  private base?: { pts: number; rtp: number };
  private lastRtp = 0;
  private lastPts = 0;
  frames = 0;
  dropped = 0;

  constructor(
    private readonly out: FrameTransport,
    private readonly startRtp = Math.floor(Math.random() * 2 ** 31),
  ) {}

  onConfig(config: StreamConfig, recent: readonly VideoFrame[] = []): void {
    this.config = config;
    this.paramSets = joinNalus([...config.avc.sps, ...config.avc.pps]);
    // A new stream (reconnect, other pipeline): its timestamps restart; start again at a keyframe.
    this.waitingForKey = true;
    this.base = undefined;
    this.pending = recent[0]?.keyframe ? recent.slice(-MAX_PENDING) : [];
    if (this.pending.length) this.flush();
  }

  onFrame(frame: VideoFrame): void {
    if (!this.config) return;
    if (this.waitingForKey) {
      if (frame.keyframe) this.pending = [frame];
      else if (this.pending.length && this.pending.length < MAX_PENDING) this.pending.push(frame);
      else {
        this.pending = [];
        this.dropped++;
        return;
      }
      this.flush();
      return;
    }
    if (frame.pts < this.lastPts - 1000) {
      // timestamps jumped back within one stream: re-anchor rather than send a clock going backwards
      this.base = { pts: frame.pts, rtp: this.lastRtp + 3600 };
    }
    const rtp = this.base!.rtp + Math.round((frame.pts - this.base!.pts) * 90);
    if (this.out.send(this.payload(frame), rtp)) {
      this.frames++;
      this.lastRtp = rtp;
      this.lastPts = frame.pts;
    } else {
      this.dropped++;
    }
  }

  /** Sends the start collected so far, if the connection is open (the peer calls this when it opens). */
  flush(): void {
    const frames = this.pending;
    if (!frames.length || this.out.open === false) return;
    // Continue 40 ms after the last frame sent (or at the random start).
    const start = this.frames ? this.lastRtp + 3600 : this.startRtp;
    for (let i = 0; i < frames.length; i++) {
      if (this.out.send(this.payload(frames[i]), start + i)) continue;
      // The first could not be sent (not open yet): keep the start for the next try. A later one
      // was lost: the pictures after it would be corrupt, so start again at the next keyframe.
      if (i > 0) {
        this.pending = [];
        this.dropped += frames.length - i;
        this.frames += i;
        this.lastRtp = start + i - 1;
      }
      return;
    }
    const last = frames[frames.length - 1];
    this.pending = [];
    this.waitingForKey = false;
    this.frames += frames.length;
    this.lastRtp = start + frames.length - 1;
    this.lastPts = last.pts;
    this.base = { pts: last.pts, rtp: this.lastRtp };
  }

  private payload(frame: VideoFrame): Buffer {
    return frame.keyframe && this.paramSets ? Buffer.concat([this.paramSets, frame.nalus]) : frame.nalus;
  }
}
