import { Logger } from '@nestjs/common';
import { BoxTracker, maskI420, redactI420, type Box, type RedactOptions } from '@borderlens/redaction';
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

/** Detection round trips remembered for pacing. */
const PACE_WINDOW = 20;

export type MaskReason = 'no-detection' | 'stale' | 'anonymizer-down';

export interface GateOutput {
  frame: DecodedFrame;
  verdict: 'redacted' | 'masked';
  reason?: MaskReason;
  boxes: number;
}

export const MASK_NOTICE = 'ANONYMIZATION UNAVAILABLE - VIDEO HIDDEN';

/**
 * The fail-closed heart of anonymized live video. Every decoded frame leaves here either redacted
 * with detections no older than the budget, or masked whole; never as it came in.
 *
 * Detection runs on a downscaled copy of every Nth frame, one request at a time; boxes are tracked
 * for the frames in between. Frames leave in order; while a detection is running, the frames from
 * the one it looks at onwards wait for it (at most the budget, the request's timeout), so a face
 * seen on frame N is covered on frame N and after. When detection fails or times out, frames stop
 * waiting and go out masked with a notice until a detection succeeds again.
 */
export class FailClosedGate {
  private readonly log = new Logger(FailClosedGate.name);
  private readonly queue: DecodedFrame[] = [];
  private tracker: BoxTracker;
  private inFlight?: number;
  /** A cut frame waiting for its own detection (while another one runs). */
  private cutPending?: DecodedFrame;
  private lastDetectedThumb?: Uint8Array;
  /** The latest detection: its frame, time and picture size. */
  private lastResult?: { seq: number; at: number; width: number; height: number };
  /** Picture size of the frames coming in; a change starts a new generation of detections. */
  private size?: { width: number; height: number };
  private generation = 0;
  private healthy = true;
  private closed = false;
  private readonly roundTrips: number[] = [];
  private paceTimer?: NodeJS.Timeout;
  lastError?: string;
  readonly stats = {
    frames: 0, redacted: 0, masked: 0, detections: 0, failures: 0, lastDetectMs: 0, boxes: 0, cuts: 0,
    /** How long the last frame waited in the gate, ms. */
    lastHoldMs: 0,
    maskedBy: { 'no-detection': 0, stale: 0, 'anonymizer-down': 0 } as Record<MaskReason, number>,
  };

  private readonly detection: FrameDetection;

  constructor(detector: DetectorPort, private readonly opts: GateOptions, private readonly out: (o: GateOutput) => void) {
    // Staleness is judged by time (the budget) below, not by frame count.
    this.tracker = this.newTracker();
    this.detection = new FrameDetection(detector, opts.detectWidth);
  }

  private newTracker(): BoxTracker {
    return new BoxTracker({ detectEvery: this.opts.detectEvery, maxStaleFrames: Number.MAX_SAFE_INTEGER });
  }

  /** 'ok' while detections succeed; 'degraded' while frames are masked because detection fails. */
  get status(): 'ok' | 'degraded' {
    return this.healthy ? 'ok' : 'degraded';
  }

  private readonly pushedAt = new Map<number, number>();

  push(frame: DecodedFrame): void {
    if (this.closed) return;
    this.stats.frames++;
    this.pushedAt.set(frame.seq, Date.now());
    this.queue.push(frame);
    // A new picture size (the camera was reconfigured): boxes of the old size would land on the
    // wrong pixels, so they are dropped, with any detection still running on the old size, and the
    // frame is treated as a cut: masked until a detection of the new size is back.
    const resized = this.size !== undefined && (this.size.width !== frame.width || this.size.height !== frame.height);
    this.size = { width: frame.width, height: frame.height };
    if (resized) {
      this.generation++;
      this.tracker = this.newTracker();
      this.lastResult = undefined;
      this.lastDetectedThumb = undefined;
      this.cutPending = undefined;
      if (this.inFlight !== undefined) this.inFlight = undefined;
    }
    // While a cut waits for its detection, later frames are held behind it anyway.
    const cut = resized || (!this.cutPending && this.isCut(frame));
    if (cut) this.stats.cuts++;
    if (this.inFlight === undefined && (cut || this.tracker.shouldDetect(frame.seq))) this.detect(frame);
    else if (cut && this.healthy) this.cutPending = frame;
    this.drain();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.paceTimer);
    this.queue.length = 0;
    this.pushedAt.clear();
  }

  /** How long after it came in a frame is released while detections succeed (0 without pacing). */
  paceMs = 0;

  /** Compares a 32x18 luma sample with the last detected frame's. */
  private isCut(frame: DecodedFrame): boolean {
    const thumb = lumaThumb(frame);
    const last = this.lastDetectedThumb;
    if (!last) return false;
    let sum = 0;
    for (let i = 0; i < thumb.length; i++) sum += Math.abs(thumb[i] - last[i]);
    return sum / thumb.length > (this.opts.cutThreshold ?? 30);
  }

  private detect(frame: DecodedFrame): void {
    const seq = frame.seq;
    const generation = this.generation;
    this.inFlight = seq;
    this.lastDetectedThumb = lumaThumb(frame);
    if (this.cutPending && this.cutPending.seq <= seq) this.cutPending = undefined;
    this.tracker.detecting(seq);
    const started = Date.now();
    this.detection.detect(frame, this.opts.budgetMs).then(
      (boxes) => {
        // Asked about a picture of another size: its boxes must not be used on this one.
        if (generation !== this.generation) return;
        this.tracker.update(seq, boxes);
        this.lastResult = { seq, at: frame.at, width: frame.width, height: frame.height };
        this.stats.detections++;
        this.stats.lastDetectMs = Date.now() - started;
        this.roundTrips.push(this.stats.lastDetectMs);
        if (this.roundTrips.length > PACE_WINDOW) this.roundTrips.shift();
        if (this.opts.pace) {
          // Worked out once per detection here, not for every frame released.
          const sorted = [...this.roundTrips].sort((a, b) => a - b);
          this.paceMs = Math.min(this.opts.budgetMs, sorted[Math.floor(0.9 * (sorted.length - 1))]);
        }
        if (!this.healthy) this.log.log('detection is back: anonymized video resumes');
        this.healthy = true;
        this.lastError = undefined;
      },
      (e: Error) => {
        this.stats.failures++;
        if (this.healthy) this.log.error(`detection failed, masking video until it is back: ${e.message}`);
        this.healthy = false;
        this.lastError = e.message;
      },
    ).finally(() => {
      if (this.inFlight === seq) this.inFlight = undefined;
      if (!this.healthy) this.cutPending = undefined;
      if (this.cutPending && this.inFlight === undefined && !this.closed) this.detect(this.cutPending);
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length && !this.closed) {
      const head = this.queue[0];
      // Hold frames the running detection covers, and frames from a cut on until the cut's own
      // detection is back; unless detection is failing (then nothing waits).
      if (this.healthy && this.inFlight !== undefined && this.inFlight <= head.seq) return;
      if (this.healthy && this.cutPending && this.cutPending.seq <= head.seq) return;
      if (this.healthy && this.opts.pace) {
        const wait = (this.pushedAt.get(head.seq) ?? 0) + this.paceMs - Date.now();
        if (wait > 0) {
          // Frames are due in order: one timer, for the head, is enough.
          this.paceTimer ??= setTimeout(() => {
            this.paceTimer = undefined;
            this.drain();
          }, wait);
          return;
        }
      }
      this.queue.shift();
      this.release(head);
    }
  }

  private release(frame: DecodedFrame): void {
    const at = this.pushedAt.get(frame.seq);
    this.pushedAt.delete(frame.seq);
    if (at !== undefined) this.stats.lastHoldMs = Date.now() - at;
    let reason: MaskReason | undefined;
    let boxes: Box[] | null = null;
    if (!this.healthy) reason = 'anonymizer-down';
    else if (!this.lastResult || this.lastResult.width !== frame.width || this.lastResult.height !== frame.height) reason = 'no-detection';
    else if (Math.abs(frame.at - this.lastResult.at) > this.opts.budgetMs) reason = 'stale';
    else {
      boxes = this.tracker.boxesFor(frame.seq);
      if (!boxes) reason = 'no-detection';
    }
    if (reason || !boxes) {
      maskI420(frame.data, frame.width, frame.height);
      const scale = Math.max(1, Math.floor(frame.width / 480));
      const size = textSize(MASK_NOTICE, { scale });
      drawTextI420(frame.data, frame.width, frame.height, (frame.width - size.width) / 2, (frame.height - size.height) / 2, MASK_NOTICE, { scale });
      this.stats.masked++;
      this.stats.maskedBy[reason ?? 'no-detection']++;
      this.out({ frame, verdict: 'masked', reason: reason ?? 'no-detection', boxes: 0 });
      return;
    }
    redactI420(frame.data, frame.width, frame.height, boxes, this.opts.redact);
    this.stats.redacted++;
    this.stats.boxes = boxes.length;
    this.out({ frame, verdict: 'redacted', boxes: boxes.length });
  }
}

const THUMB_W = 32;
const THUMB_H = 18;

function lumaThumb(f: DecodedFrame): Uint8Array {
  const t = new Uint8Array(THUMB_W * THUMB_H);
  for (let y = 0; y < THUMB_H; y++) {
    const row = Math.floor(((y + 0.5) * f.height) / THUMB_H) * f.width;
    for (let x = 0; x < THUMB_W; x++) t[y * THUMB_W + x] = f.data[row + Math.floor(((x + 0.5) * f.width) / THUMB_W)];
  }
  return t;
}
