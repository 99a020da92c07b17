import { growBox, type Box, type RedactOptions } from './box';
import { BoxTracker } from './box-tracker';
import { maskI420, redactI420 } from './i420';
import { coverBoxes, coveringDetections } from './look-ahead';

/** A decoded yuv420p picture as it moves through the pipeline. */
export interface PipelineFrame {
  data: Buffer;
  width: number;
  height: number;
  /** Running number of the frame within its pipeline, from 0, one by one. */
  seq: number;
  /** When it came in (Date.now()); live staleness is judged by it. */
  at: number;
}

/**
 * The injected detector: face and plate boxes in the frame's own pixels; rejects when detection fails.
 * It must take what it needs of the pixels before its first await: the frame may be redacted or
 * masked while the answer travels.
 */
export type DetectFrame = (frame: PipelineFrame) => Promise<Box[]>;

/**
 * Live video: detect every Nth frame (one request at a time, boxes tracked in between, a cut gets a
 * detection of its own), mask a frame whose detection is older than the budget or failed, and
 * optionally pace frames out evenly. Nothing ever fails: the picture is masked instead.
 */
export interface LivePolicy {
  kind: 'live';
  detectEvery: number;
  /** A frame whose latest detection is older than this (or missing) is masked whole. */
  budgetMs: number;
  /** Mean luma change (0-255) from the last detected frame above which a frame is a cut. Default 30. */
  cutThreshold?: number;
  /**
   * Release every frame the same time after it came in (about the 90th percentile of recent
   * detection round trips, at most the budget) instead of holding only the frames being detected.
   * Browsers size their jitter buffer by how unevenly frames arrive.
   */
  pace?: boolean;
}

/**
 * Which boxes cover a frame of a file or clip:
 * - 'neighbours': every frame, detected or not, gets the boxes of the detections around it (the one
 *   before those too) and the hull of a box's two positions (clip export);
 * - 'own': a detected frame gets only its own boxes; a frame in between gets the boxes tracked
 *   forward from the earlier detections and the next detection's boxes, widened by distance
 *   (the anonymizer's file redaction).
 */
export type CoverRule = 'neighbours' | 'own';

/**
 * A file or clip: frames wait for the detection after them (look-ahead), every Nth frame and the last
 * one are detected, and a failed detection fails the job: no frame is written after it.
 */
export interface FilePolicy {
  kind: 'file';
  detectEvery: number;
  cover: CoverRule;
  /** Detections running at once (the rest wait their turn). Default: no limit. */
  maxInFlight?: number;
  /** Tries per detection before the job fails. Default 1. */
  attempts?: number;
}

export type PipelinePolicy = LivePolicy | FilePolicy;

export type MaskReason = 'no-detection' | 'stale' | 'anonymizer-down';

export interface PipelineOutput<F extends PipelineFrame = PipelineFrame> {
  frame: F;
  verdict: 'redacted' | 'masked';
  reason?: MaskReason;
  boxes: number;
}

export interface PipelineHooks {
  log?: (level: 'log' | 'error', message: string) => void;
  /** A file job failed (its detection did): stop feeding it. */
  onFailed?: (e: Error) => void;
}

/** A file job stopped because a detection failed (after its tries); the message is the detector's. */
export class DetectionFailed extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'DetectionFailed';
  }
}

/** Detection round trips remembered for pacing. */
const PACE_WINDOW = 20;
/** 'own' cover rule: margin per frame of distance from the next detection, as a fraction of the box (as BoxTracker's default). */
const GROW_PER_FRAME = 0.05;

/**
 * The one anonymizing pipeline (live gate, clip export, file redaction): frames go in decoded, in
 * order; every Nth goes to the injected detector; each leaves in order, redacted with the boxes that
 * cover it, or (live) masked whole. Decoding and encoding stay with the caller; the policy says how
 * often to detect, how frames wait for detections, which boxes cover a frame and what a failed
 * detection does (live: mask until it is back; file: fail the job).
 *
 * Fail closed on every path: a frame leaves only once a detection covering it is back, or masked.
 */
export class AnonymizingPipeline<F extends PipelineFrame = PipelineFrame> {
  private readonly queue: F[] = [];
  private tracker: BoxTracker;
  private healthy = true;
  private closed = false;
  lastError?: string;
  readonly stats = {
    frames: 0,
    redacted: 0,
    masked: 0,
    detections: 0,
    failures: 0,
    lastDetectMs: 0,
    boxes: 0,
    cuts: 0,
    /** How long the last frame waited in the pipeline, ms. */
    lastHoldMs: 0,
    maskedBy: { 'no-detection': 0, stale: 0, 'anonymizer-down': 0 } as Record<MaskReason, number>,
  };
  /** Time spent redacting, ms (synchronous work: about its CPU). */
  redactMs = 0;
  /** How long after it came in a frame is released while detections succeed (live with pacing; else 0). */
  paceMs = 0;

  // Live: one detection at a time, judged by time.
  private inFlight?: number;
  /** A cut frame waiting for its own detection (while another one runs). */
  private cutPending?: F;
  private lastDetectedThumb?: Uint8Array;
  /** The latest detection: its frame, time and picture size. */
  private lastResult?: { seq: number; at: number; width: number; height: number };
  /** Picture size of the frames coming in; a change starts a new generation of detections. */
  private size?: { width: number; height: number };
  private generation = 0;
  private readonly roundTrips: number[] = [];
  private paceTimer?: NodeJS.Timeout;
  private readonly pushedAt = new Map<number, number>();

  // File: detections by frame number (older ones dropped), frames wait for the one after them.
  private readonly detections = new Map<number, Promise<Box[]>>();
  private finalSeq: number | null = null;
  private lastSeq = -1;
  private draining = Promise.resolve();
  private failedWith?: Error;
  private running = 0;
  private readonly turns: (() => void)[] = [];
  private readonly waiters: { below: number; resolve: () => void }[] = [];

  constructor(
    private readonly detect: DetectFrame,
    readonly policy: PipelinePolicy,
    private readonly redact: RedactOptions,
    private readonly out: (o: PipelineOutput<F>) => void | Promise<void>,
    private readonly hooks: PipelineHooks = {},
  ) {
    // Staleness is judged by time (live) or not at all (file: every frame waits for its detections).
    this.tracker = this.newTracker();
  }

  private newTracker(): BoxTracker {
    return new BoxTracker({ detectEvery: this.policy.detectEvery, maxStaleFrames: Number.MAX_SAFE_INTEGER });
  }

  /** 'ok' while detections succeed; 'degraded' while they fail (live: frames masked; file: job failed). */
  get status(): 'ok' | 'degraded' {
    return this.healthy ? 'ok' : 'degraded';
  }

  /** Why a file job failed (a DetectionFailed, or the output's error); undefined while it goes on. */
  get failure(): Error | undefined {
    return this.failedWith;
  }

  /** Frames in, not yet out. */
  get held(): number {
    return this.queue.length;
  }

  push(frame: F): void {
    if (this.closed) return;
    this.stats.frames++;
    if (this.policy.kind === 'live') this.pushLive(frame, this.policy);
    else this.pushFile(frame, this.policy);
  }

  /** File: the last frame is in; resolves once every frame is out, rejects with the failed detection's error. */
  async end(): Promise<void> {
    if (this.policy.kind !== 'file') throw new Error('end() is for files; live video is closed');
    this.finalSeq = this.lastSeq;
    // The last frame is detected too, so the frames after the last regular detection are covered.
    const last = this.queue[this.queue.length - 1];
    if (last && !this.failedWith) this.request(last, this.policy);
    this.drainFile(this.policy);
    await this.draining;
    if (this.failedWith) throw this.failedWith;
  }

  /** File: resolves once fewer than `n` frames are held (or the job failed): back-pressure for the decoder. */
  heldBelow(n: number): Promise<void> {
    if (this.queue.length < n || this.failedWith || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below: n, resolve }));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.paceTimer);
    this.queue.length = 0;
    this.pushedAt.clear();
    this.wake();
  }

  // ---- file and clip ----

  private pushFile(frame: F, p: FilePolicy): void {
    this.queue.push(frame);
    this.lastSeq = frame.seq;
    if (!this.failedWith && frame.seq % p.detectEvery === 0) this.request(frame, p);
    this.drainFile(p);
  }

  private request(frame: F, p: FilePolicy): void {
    if (this.detections.has(frame.seq)) return;
    const d = this.inTurn(p, () => this.detectFile(frame, p.attempts ?? 1));
    d.catch(() => undefined);
    this.detections.set(frame.seq, d);
  }

  /** Runs `task` when fewer than maxInFlight detections run. */
  private async inTurn<T>(p: FilePolicy, task: () => Promise<T>): Promise<T> {
    if (this.running >= (p.maxInFlight ?? Infinity)) await new Promise<void>((r) => this.turns.push(r));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.turns.shift()?.();
    }
  }

  private async detectFile(frame: F, attempts: number): Promise<Box[]> {
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        const boxes = await this.detect(frame);
        this.stats.detections++;
        this.stats.lastDetectMs = Date.now() - started;
        return boxes;
      } catch (e) {
        this.stats.failures++;
        if (attempt >= attempts || this.failedWith) throw new DetectionFailed(e as Error);
      }
    }
  }

  /** The boxes covering frame `s` by the cover rule, or null until the detection after it is asked for. */
  private async coverFile(s: number, p: FilePolicy): Promise<Box[] | null> {
    const every = p.detectEvery;
    if (p.cover === 'neighbours') {
      const around = coveringDetections(s, every, (d) => this.detections.has(d), this.finalSeq);
      if (!around) return null;
      const lists = await Promise.all(around.map((d) => this.detections.get(d) ?? Promise.resolve([] as Box[])));
      const [older, before, after] = lists.length === 3 ? lists : [[], ...lists];
      return coverBoxes(before, after ?? [], older);
    }
    const own = this.detections.get(s);
    if (own) {
      const boxes = await own;
      this.tracker.update(s, boxes);
      return boxes;
    }
    let next = s - (s % every) + every;
    if (!this.detections.has(next)) {
      if (this.finalSeq === null) return null;
      next = Math.min(next, this.finalSeq);
    }
    const ahead = (await (this.detections.get(next) ?? Promise.resolve([] as Box[]))).map((b) => growBox(b, GROW_PER_FRAME * (next - s)));
    return [...(this.tracker.boxesFor(s) ?? []), ...ahead];
  }

  /** Frames leave in order; detection of the next ones runs meanwhile. */
  private drainFile(p: FilePolicy): void {
    this.draining = this.draining.then(async () => {
      while (this.queue.length && !this.failedWith && !this.closed) {
        const head = this.queue[0];
        let boxes: Box[] | null;
        try {
          boxes = await this.coverFile(head.seq, p);
          if (boxes === null) break;
          this.queue.shift();
          const t = performance.now();
          redactI420(head.data, head.width, head.height, boxes, this.redact);
          this.redactMs += performance.now() - t;
          this.stats.redacted++;
          this.stats.boxes = boxes.length;
          this.detections.delete(head.seq - 2 * p.detectEvery - 1);
          await this.out({ frame: head, verdict: 'redacted', boxes: boxes.length });
        } catch (e) {
          this.fail(e as Error);
          return;
        }
        this.wake();
      }
    });
  }

  private fail(e: Error): void {
    this.failedWith = e;
    this.healthy = false;
    this.lastError = e.message;
    this.hooks.onFailed?.(e);
    this.wake();
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (this.queue.length < w.below || this.failedWith || this.closed) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  // ---- live ----

  private pushLive(frame: F, p: LivePolicy): void {
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
      this.inFlight = undefined;
    }
    // While a cut waits for its detection, later frames are held behind it anyway.
    const cut = resized || (!this.cutPending && this.isCut(frame, p));
    if (cut) this.stats.cuts++;
    if (this.inFlight === undefined && (cut || this.tracker.shouldDetect(frame.seq))) this.detectLive(frame, p);
    else if (cut && this.healthy) this.cutPending = frame;
    this.drainLive(p);
  }

  /** Compares a 32x18 luma sample with the last detected frame's. */
  private isCut(frame: F, p: LivePolicy): boolean {
    const thumb = lumaThumb(frame);
    const last = this.lastDetectedThumb;
    if (!last) return false;
    let sum = 0;
    for (let i = 0; i < thumb.length; i++) sum += Math.abs(thumb[i] - last[i]);
    return sum / thumb.length > (p.cutThreshold ?? 30);
  }

  private detectLive(frame: F, p: LivePolicy): void {
    const seq = frame.seq;
    const generation = this.generation;
    this.inFlight = seq;
    this.lastDetectedThumb = lumaThumb(frame);
    if (this.cutPending && this.cutPending.seq <= seq) this.cutPending = undefined;
    this.tracker.detecting(seq);
    const started = Date.now();
    this.detect(frame)
      .then(
        (boxes) => {
          // Asked about a picture of another size: its boxes must not be used on this one.
          if (generation !== this.generation) return;
          this.tracker.update(seq, boxes);
          this.lastResult = { seq, at: frame.at, width: frame.width, height: frame.height };
          this.stats.detections++;
          this.stats.lastDetectMs = Date.now() - started;
          this.roundTrips.push(this.stats.lastDetectMs);
          if (this.roundTrips.length > PACE_WINDOW) this.roundTrips.shift();
          if (p.pace) {
            // Worked out once per detection here, not for every frame released.
            const sorted = [...this.roundTrips].sort((a, b) => a - b);
            this.paceMs = Math.min(p.budgetMs, sorted[Math.floor(0.9 * (sorted.length - 1))]);
          }
          if (!this.healthy) this.hooks.log?.('log', 'detection is back: anonymized video resumes');
          this.healthy = true;
          this.lastError = undefined;
        },
        (e: Error) => {
          this.stats.failures++;
          if (this.healthy) this.hooks.log?.('error', `detection failed, masking video until it is back: ${e.message}`);
          this.healthy = false;
          this.lastError = e.message;
        },
      )
      .finally(() => {
        if (this.inFlight === seq) this.inFlight = undefined;
        if (!this.healthy) this.cutPending = undefined;
        if (this.cutPending && this.inFlight === undefined && !this.closed) this.detectLive(this.cutPending, p);
        this.drainLive(p);
      });
  }

  private drainLive(p: LivePolicy): void {
    while (this.queue.length && !this.closed) {
      const head = this.queue[0];
      // Hold frames the running detection covers, and frames from a cut on until the cut's own
      // detection is back; unless detection is failing (then nothing waits).
      if (this.healthy && this.inFlight !== undefined && this.inFlight <= head.seq) return;
      if (this.healthy && this.cutPending && this.cutPending.seq <= head.seq) return;
      if (this.healthy && p.pace) {
        const wait = (this.pushedAt.get(head.seq) ?? 0) + this.paceMs - Date.now();
        if (wait > 0) {
          // Frames are due in order: one timer, for the head, is enough.
          this.paceTimer ??= setTimeout(() => {
            this.paceTimer = undefined;
            this.drainLive(p);
          }, wait);
          return;
        }
      }
      this.queue.shift();
      this.releaseLive(head, p);
    }
  }

  private releaseLive(frame: F, p: LivePolicy): void {
    const at = this.pushedAt.get(frame.seq);
    this.pushedAt.delete(frame.seq);
    if (at !== undefined) this.stats.lastHoldMs = Date.now() - at;
    let reason: MaskReason | undefined;
    let boxes: Box[] | null = null;
    if (!this.healthy) reason = 'anonymizer-down';
    else if (!this.lastResult || this.lastResult.width !== frame.width || this.lastResult.height !== frame.height) reason = 'no-detection';
    else if (Math.abs(frame.at - this.lastResult.at) > p.budgetMs) reason = 'stale';
    else {
      boxes = this.tracker.boxesFor(frame.seq);
      if (!boxes) reason = 'no-detection';
    }
    if (reason || !boxes) {
      maskI420(frame.data, frame.width, frame.height);
      this.stats.masked++;
      this.stats.maskedBy[reason ?? 'no-detection']++;
      void this.out({ frame, verdict: 'masked', reason: reason ?? 'no-detection', boxes: 0 });
      return;
    }
    const t = performance.now();
    redactI420(frame.data, frame.width, frame.height, boxes, this.redact);
    this.redactMs += performance.now() - t;
    this.stats.redacted++;
    this.stats.boxes = boxes.length;
    void this.out({ frame, verdict: 'redacted', boxes: boxes.length });
  }
}

const THUMB_W = 32;
const THUMB_H = 18;

function lumaThumb(f: PipelineFrame): Uint8Array {
  const t = new Uint8Array(THUMB_W * THUMB_H);
  for (let y = 0; y < THUMB_H; y++) {
    const row = Math.floor(((y + 0.5) * f.height) / THUMB_H) * f.width;
    for (let x = 0; x < THUMB_W; x++) t[y * THUMB_W + x] = f.data[row + Math.floor(((x + 0.5) * f.width) / THUMB_W)];
  }
  return t;
}
