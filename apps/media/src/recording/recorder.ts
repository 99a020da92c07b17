import { Logger } from '@nestjs/common';
import { FLV_HEADER, type VideoFrame } from '../ffmpeg/flv';
import { segmentArgs } from '@borderlens/media';
import type { MediaProcess, ProcessRepository } from '@borderlens/media';
import type { SourceConsumer, StreamConfig } from '../ingest/video-source';
import type { SegmentFile, SegmentStore } from './segment.store';

export interface FinishedSegment {
  file: SegmentFile;
  endedAt: Date;
}

interface OpenSegment {
  proc: MediaProcess;
  file: SegmentFile;
  firstDts: number;
  lastDts: number;
}

/** Bytes allowed to queue for a segment writer before frames are dropped (disk too slow). */
const MAX_QUEUED = 16 * 1024 * 1024;

/**
 * Continuous recording of one camera: its H.264 copied (no re-encode) into MPEG-TS files of about
 * segmentSec, each cut at a keyframe and written by its own short-lived ffmpeg. Files are named by
 * the wall-clock time their first frame arrived, so start and end are known to the millisecond and
 * names cannot collide. A finished file (its writer exited) is announced through `onSegment`.
 */
export class Recorder implements SourceConsumer {
  private readonly log: Logger;
  private config?: StreamConfig;
  private open?: OpenSegment;
  private stopped = false;
  private frameMs = 40;
  dropped = 0;

  constructor(
    readonly cameraId: string,
    private readonly processes: ProcessRepository,
    private readonly store: SegmentStore,
    private readonly segmentSec: number,
    private readonly onSegment: (s: FinishedSegment) => void,
  ) {
    this.log = new Logger(`Recorder:${cameraId}`);
  }

  get recording(): boolean {
    return !!this.open;
  }

  onConfig(config: StreamConfig): void {
    // A new stream (reconnect): its timestamps restart, so the open segment ends here.
    this.close();
    this.config = config;
  }

  onFrame(frame: VideoFrame): void {
    if (this.stopped || !this.config) return;
    const seg = this.open;
    if (seg && frame.dts > seg.lastDts) this.frameMs = Math.min(1000, Math.max(1, frame.dts - seg.lastDts));
    if (frame.keyframe && (!seg || frame.dts - seg.firstDts >= this.segmentSec * 1000 || frame.dts < seg.lastDts)) {
      this.close(new Date());
      this.start(frame);
    }
    const cur = this.open;
    if (!cur) return;
    if (cur.proc.stdin.writableLength > MAX_QUEUED) {
      // the disk cannot keep up: end this segment; the next keyframe starts a new one
      this.dropped++;
      this.close();
      return;
    }
    cur.proc.write(frame.raw);
    cur.lastDts = frame.dts;
  }

  onEnd(): void {
    // The camera dropped: finish the open segment so it gets indexed now.
    this.close();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const exited = this.open?.proc.exited;
    this.close();
    await exited;
  }

  private start(frame: VideoFrame): void {
    const file = this.store.newFile(this.cameraId, new Date());
    const proc = this.processes.ffmpeg(segmentArgs(file.abs));
    this.open = { proc, file, firstDts: frame.dts, lastDts: frame.dts };
    proc.write(FLV_HEADER);
    proc.write(this.config!.tag);
  }

  /** Ends the open segment; `at` is when the next one starts (else: its last frame's end). */
  private close(at?: Date): void {
    const seg = this.open;
    if (!seg) return;
    this.open = undefined;
    const endedAt = at ?? new Date(seg.file.startedAt.getTime() + (seg.lastDts - seg.firstDts) + this.frameMs);
    seg.proc.stdin.end();
    void seg.proc.exited.then((exit) => {
      if (exit.code !== 0) this.log.error(`segment writer for ${seg.file.path} failed (${exit.code ?? exit.signal}): ${seg.proc.lastLines(2).join(' | ')}`);
      // Announced even after a failure: the service checks the file and drops it if empty.
      this.onSegment({ file: seg.file, endedAt });
    });
  }
}
