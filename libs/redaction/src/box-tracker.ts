import { Box, iou } from './box';

export interface BoxTrackerOptions {
  /** Run detection on every Nth frame; boxes are carried over in between. */
  detectEvery: number;
  /** Detections in a row a box may be missing from before it is dropped (a missed detection must not unmask). Default 2. */
  keepMisses?: number;
  /** Margin added per frame since the box was last seen, as a fraction of its size (each side). Default 0.05. */
  growPerFrame?: number;
  /** Frames after the last detection result after which boxesFor() returns null (mask the frame). Default 4 x detectEvery + 25. */
  maxStaleFrames?: number;
}

interface Track {
  box: Box;
  /** Frame the box was last detected on. */
  frame: number;
  /** Centre velocity, pixels per frame. */
  vx: number;
  vy: number;
  misses: number;
}

/**
 * Keeps faces and plates covered between detections on live video: detection runs every Nth frame
 * (usually on a downscaled copy, boxes scaled back), and for the frames in between each box is moved
 * along its measured motion, kept where it was too, and widened with time since it was last seen.
 * Frame numbers are the caller's (e.g. a running counter); detection results may arrive late.
 *
 * Fail closed: before the first detection result, or when results stop arriving, boxesFor()
 * returns null and the caller must mask the whole frame.
 */
export class BoxTracker {
  private tracks: Track[] = [];
  private lastResult = -Infinity;
  private lastRequested = -Infinity;
  private readonly keepMisses: number;
  private readonly growPerFrame: number;
  private readonly maxStale: number;

  constructor(private readonly opts: BoxTrackerOptions) {
    if (!Number.isInteger(opts.detectEvery) || opts.detectEvery < 1) throw new RangeError('detectEvery must be an integer >= 1');
    this.keepMisses = opts.keepMisses ?? 2;
    this.growPerFrame = opts.growPerFrame ?? 0.05;
    this.maxStale = opts.maxStaleFrames ?? 4 * opts.detectEvery + 25;
  }

  get detectEvery(): number {
    return this.opts.detectEvery;
  }

  /** Whether `frame` should go to detection: detectEvery frames after the last one that did. */
  shouldDetect(frame: number): boolean {
    return frame - this.lastRequested >= this.opts.detectEvery || frame < this.lastRequested;
  }

  /** Records that detection was started for `frame` (so the following frames are not sent too). */
  detecting(frame: number): void {
    this.lastRequested = frame;
  }

  /** Detections computed on `frame`, in the frame's pixels. Older results than the last one are ignored. */
  update(frame: number, boxes: Box[]): void {
    if (frame < this.lastResult) return;
    this.lastRequested = Math.max(this.lastRequested, frame);
    this.lastResult = frame;
    const predicted = this.tracks.map((t) => this.move(t, frame));
    const pairs: { t: number; d: number; score: number }[] = [];
    for (let t = 0; t < predicted.length; t++) {
      for (let d = 0; d < boxes.length; d++) {
        const score = iou(predicted[t], boxes[d]) || (contains(this.widen(this.tracks[t], frame), centre(boxes[d])) ? 0.01 : 0);
        if (score > 0) pairs.push({ t, d, score });
      }
    }
    pairs.sort((a, b) => b.score - a.score);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    const next: Track[] = [];
    for (const { t, d } of pairs) {
      if (usedT.has(t) || usedD.has(d)) continue;
      usedT.add(t);
      usedD.add(d);
      const old = this.tracks[t];
      const dt = Math.max(1, frame - old.frame);
      const [ox, oy] = centre(old.box);
      const [nx, ny] = centre(boxes[d]);
      const vx = (nx - ox) / dt;
      const vy = (ny - oy) / dt;
      const fresh = old.vx === 0 && old.vy === 0;
      next.push({ box: [...boxes[d]], frame, vx: fresh ? vx : (vx + old.vx) / 2, vy: fresh ? vy : (vy + old.vy) / 2, misses: 0 });
    }
    this.tracks.forEach((t, i) => {
      if (!usedT.has(i) && t.misses < this.keepMisses) next.push({ ...t, misses: t.misses + 1 });
    });
    boxes.forEach((b, i) => {
      if (!usedD.has(i)) next.push({ box: [...b], frame, vx: 0, vy: 0, misses: 0 });
    });
    this.tracks = next;
  }

  /**
   * Boxes to redact on `frame`: each track's last box and its predicted position, joined and widened
   * with the time since it was seen. null: no recent detection result, mask the whole frame.
   */
  boxesFor(frame: number): Box[] | null {
    if (this.lastResult === -Infinity || frame - this.lastResult > this.maxStale) return null;
    return this.tracks.map((t) => this.widen(t, frame));
  }

  reset(): void {
    this.tracks = [];
    this.lastResult = -Infinity;
    this.lastRequested = -Infinity;
  }

  private move(t: Track, frame: number): Box {
    const dt = frame - t.frame;
    const [x1, y1, x2, y2] = t.box;
    return [x1 + t.vx * dt, y1 + t.vy * dt, x2 + t.vx * dt, y2 + t.vy * dt];
  }

  private widen(t: Track, frame: number): Box {
    const dt = Math.abs(frame - t.frame);
    const m = this.move(t, frame);
    const w = t.box[2] - t.box[0];
    const h = t.box[3] - t.box[1];
    const g = Math.min(1, this.growPerFrame * dt);
    return [Math.min(t.box[0], m[0]) - g * w, Math.min(t.box[1], m[1]) - g * h, Math.max(t.box[2], m[2]) + g * w, Math.max(t.box[3], m[3]) + g * h];
  }
}

function centre(b: Box): [number, number] {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

function contains(b: Box, [x, y]: [number, number]): boolean {
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}
