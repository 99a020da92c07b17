import type { VideoFrame } from '../ffmpeg/flv';
import { joinNalus } from '../h264/h264';
import type { StreamConfig } from '../ingest/video-source';

/** Where a viewer's access units go (a WebRTC peer, or a fake in tests). */
export interface FrameTransport {
  send(nalus: Buffer, rtpTimestamp: number): boolean;
}

/** What a live pipeline delivers to each of its viewers. */
export interface VideoSink {
  onConfig(config: StreamConfig): void;
  onFrame(frame: VideoFrame): void;
}

/**
 * Turns a pipeline's frames into what a decoder that joins mid-stream needs: nothing until a
 * keyframe, SPS and PPS in front of every keyframe, and an RTP clock that keeps running smoothly
 * when the pipeline behind it changes (camera reconnect, switch from raw to anonymized).
 */
export class H264Sender implements VideoSink {
  private config?: StreamConfig;
  private paramSets?: Buffer;
  private waitingForKey = true;
  private base?: { pts: number; rtp: number };
  private lastRtp = 0;
  private lastPts = 0;
  frames = 0;
  dropped = 0;

  constructor(private readonly out: FrameTransport, private readonly startRtp = Math.floor(Math.random() * 2 ** 31)) {}

  onConfig(config: StreamConfig): void {
    this.config = config;
    this.paramSets = joinNalus([...config.avc.sps, ...config.avc.pps]);
    // A new stream (reconnect, other pipeline): its timestamps restart; wait for its next keyframe.
    this.waitingForKey = true;
    this.base = undefined;
  }

  onFrame(frame: VideoFrame): void {
    if (!this.config) return;
    if (this.waitingForKey && !frame.keyframe) {
      this.dropped++;
      return;
    }
    this.waitingForKey = false;
    if (!this.base) {
      // Continue 40 ms after the last frame sent (or at the random start).
      const rtp = this.frames ? this.lastRtp + 3600 : this.startRtp;
      this.base = { pts: frame.pts, rtp };
    } else if (frame.pts < this.lastPts - 1000) {
      // timestamps jumped back within one stream: re-anchor rather than send a clock going backwards
      this.base = { pts: frame.pts, rtp: this.lastRtp + 3600 };
    }
    const rtp = this.base.rtp + Math.round((frame.pts - this.base.pts) * 90);
    const payload = frame.keyframe && this.paramSets ? Buffer.concat([this.paramSets, frame.nalus]) : frame.nalus;
    if (this.out.send(payload, rtp)) {
      this.frames++;
      this.lastRtp = rtp;
      this.lastPts = frame.pts;
    } else {
      this.dropped++;
      // A frame lost before the decoder has a picture would corrupt what follows; wait for a keyframe.
      if (this.frames === 0) this.waitingForKey = true;
    }
  }
}
