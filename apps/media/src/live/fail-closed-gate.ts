import { Logger } from '@nestjs/common';
import { AnonymizingPipeline, type PipelineOutput, type RedactOptions } from '@borderlens/redaction';
import { FrameDetection } from '../transport/frame-detection';
import type { DetectorPort } from '../transport/ports';
import { drawTextI420, textSize } from './bitmap-font';
import type { DecodedFrame } from './decoded-frame';

export interface GateOptions {
  /** A frame whose latest detection is older than this (or missing) is masked whole. */
  budgetMs: number;
  /** Width of the copy sent to the detector. */
  detectWidth: number;
  /** Detect on every Nth frame; boxes are tracked in between. */
  detectEvery: number;
  redact: RedactOptions;
  /**
   * Mean luma change (0-255) between a frame and the last detected one above which the frame is a
   * cut (camera moved, scene changed): it gets a detection of its own instead of tracked boxes.
   */
  cutThreshold?: number;
  /**
   * Release every frame the same time after it came in (about the 90th percentile of recent
   * detection round trips, at most the budget) instead of holding only the frames being detected.
   * Browsers size their jitter buffer by how unevenly frames arrive: measured in Chromium, holding
   * one frame in four for a ~36 ms detection made it buffer ~100 ms more than for raw video.
   */
  pace?: boolean;
}

export type { MaskReason } from '@borderlens/redaction';

export type GateOutput = PipelineOutput<DecodedFrame>;

export const MASK_NOTICE = 'ANONYMIZATION UNAVAILABLE - VIDEO HIDDEN';

/**
 * The fail-closed heart of anonymized live video: the anonymizing pipeline with the live policy.
 * Every decoded frame leaves here either redacted with detections no older than the budget, or
 * masked whole with a notice; never as it came in.
 *
 * Detection runs on a downscaled copy of every Nth frame, one request at a time; boxes are tracked
 * for the frames in between. Frames leave in order; while a detection is running, the frames from
 * the one it looks at onwards wait for it (at most the budget, the request's timeout), so a face
 * seen on frame N is covered on frame N and after. When detection fails or times out, frames stop
 * waiting and go out masked with a notice until a detection succeeds again.
 */
export class FailClosedGate {
  private readonly log = new Logger(FailClosedGate.name);
  private readonly pipeline: AnonymizingPipeline<DecodedFrame>;

  constructor(detector: DetectorPort, opts: GateOptions, out: (o: GateOutput) => void) {
    const detection = new FrameDetection(detector, opts.detectWidth);
    this.pipeline = new AnonymizingPipeline<DecodedFrame>(
      (frame) => detection.detect(frame, opts.budgetMs),
      { kind: 'live', detectEvery: opts.detectEvery, budgetMs: opts.budgetMs, cutThreshold: opts.cutThreshold, pace: opts.pace },
      opts.redact,
      (o) => {
        if (o.verdict === 'masked') notice(o.frame);
        out(o);
      },
      { log: (level, message) => (level === 'error' ? this.log.error(message) : this.log.log(message)) },
    );
  }

  /** 'ok' while detections succeed; 'degraded' while frames are masked because detection fails. */
  get status(): 'ok' | 'degraded' {
    return this.pipeline.status;
  }

  get stats() {
    return this.pipeline.stats;
  }

  get lastError(): string | undefined {
    return this.pipeline.lastError;
  }

  /** How long after it came in a frame is released while detections succeed (0 without pacing). */
  get paceMs(): number {
    return this.pipeline.paceMs;
  }

  push(frame: DecodedFrame): void {
    this.pipeline.push(frame);
  }

  close(): void {
    this.pipeline.close();
  }
}

function notice(frame: DecodedFrame): void {
  const scale = Math.max(1, Math.floor(frame.width / 480));
  const size = textSize(MASK_NOTICE, { scale });
  drawTextI420(frame.data, frame.width, frame.height, (frame.width - size.width) / 2, (frame.height - size.height) / 2, MASK_NOTICE, { scale });
}
