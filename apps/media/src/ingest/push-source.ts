import type { VideoFrame } from '../ffmpeg/flv';
import { VideoSource } from './video-source';

/** Someone publishing to a push camera: the listener that accepted them. */
export interface Publisher {
  readonly id: string;
  readonly protocol: 'rtmp' | 'srt';
  disconnect(): void;
}

/**
 * A drone's or mobile unit's video: fed by whichever push listener accepted its key. Exists while
 * a publisher is connected or while someone (viewer, recorder) waits for one.
 */
export class PushSource extends VideoSource {
  publisher?: Publisher;

  start(): void {
    // Nothing to dial: the drone connects to us.
  }

  async stop(): Promise<void> {
    this.publisher?.disconnect();
  }

  /** Takes a publisher; false when another one already publishes on this camera. */
  attach(publisher: Publisher): boolean {
    if (this.publisher) return false;
    this.publisher = publisher;
    return true;
  }

  detach(publisher: Publisher, reason: string): void {
    if (this.publisher !== publisher) return;
    this.publisher = undefined;
    this.emitEnd(reason);
    this.setState('offline', reason);
  }

  pushConfig(record: Buffer, tag: Buffer): void {
    this.emitConfig(record, tag);
  }

  pushFrame(frame: VideoFrame): void {
    if (this.state !== 'online') this.setState('online');
    this.emitFrame(frame);
  }

  error(reason: string): void {
    this.setState('error', reason);
  }
}
