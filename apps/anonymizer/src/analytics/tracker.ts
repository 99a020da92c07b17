import type { AnalyticsClass, Point } from '@borderlens/contracts';
import { iou, type Box } from '@borderlens/redaction';

/** A detection handed to the tracker: box in any consistent coordinates (the anonymizer uses picture fractions). */
export interface TrackInput {
  box: Box;
  cls: AnalyticsClass;
}

/**
 * One followed object. Only what the next sample needs: where it is, where it was, how fast it
 * moves. Lives in memory (and in the state a sample's reply carries back), never stored.
 */
export interface Track {
  id: number;
  cls: AnalyticsClass;
  box: Box;
  /** Reference point (bottom centre: where a person stands, where a vehicle touches the road) now and at the previous sample. */
  point: Point;
  prev?: Point;
  vx: number;
  vy: number;
  /** Samples it was matched in, and samples since it was last matched. */
  hits: number;
  misses: number;
}

export interface TrackerOptions {
  /**
   * Samples an object may be missed in before its track ends (a missed detection must not split one object into two).
   * Default 4 (2 s at 2 samples per second; measured on the counting scene of bench:analytics: 11.5 % crossing error with 2, 7.7 % with 4).
   */
  maxMisses?: number;
  /** Largest jump between samples, in box sizes, for a match without overlap. Default 1.5. */
  maxJump?: number;
}

export interface TrackerState {
  nextId: number;
  tracks: Track[];
}

/** Where an object stands: the bottom centre of its box. */
export function refPoint(b: Box): Point {
  return [(b[0] + b[2]) / 2, b[3]];
}

function isVehicle(c: AnalyticsClass): boolean {
  return c !== 'person';
}

/**
 * A small multi-object tracker for counting at a low sample rate (2 per second): each detection is
 * matched to the track whose predicted box (moved by its last velocity) overlaps it most, or, with
 * no overlap (fast vehicles move more than their length between samples), whose predicted reference
 * point is nearest within `maxJump` box sizes. Persons match persons, vehicles match vehicles (the
 * detector may call a van a car in one sample and a truck in the next; the latest label wins).
 * Greedy on the best pairs first: cheap and good enough for counting, not for identity.
 */
export class ObjectTracker {
  private readonly maxMisses: number;
  private readonly maxJump: number;

  constructor(
    private state: TrackerState = { nextId: 1, tracks: [] },
    opts: TrackerOptions = {},
  ) {
    this.maxMisses = opts.maxMisses ?? 4;
    this.maxJump = opts.maxJump ?? 1.5;
  }

  get tracks(): readonly Track[] {
    return this.state.tracks;
  }

  /** What the next sample needs to continue (carried by the caller between samples). */
  snapshot(): TrackerState {
    return this.state;
  }

  /** One sample's detections in; the tracks matched or started in it are returned (misses === 0). */
  update(dets: TrackInput[]): Track[] {
    const tracks = this.state.tracks;
    const pairs: { t: number; d: number; score: number }[] = [];
    for (let ti = 0; ti < tracks.length; ti++) {
      const t = tracks[ti];
      const steps = t.misses + 1;
      const pred: Box = [t.box[0] + t.vx * steps, t.box[1] + t.vy * steps, t.box[2] + t.vx * steps, t.box[3] + t.vy * steps];
      const size = Math.max(t.box[2] - t.box[0], t.box[3] - t.box[1]);
      const pp = refPoint(pred);
      for (let di = 0; di < dets.length; di++) {
        const d = dets[di];
        if (isVehicle(d.cls) !== isVehicle(t.cls)) continue;
        const overlap = iou(pred, d.box);
        const dp = refPoint(d.box);
        const dist = Math.hypot(dp[0] - pp[0], dp[1] - pp[1]);
        const gate = this.maxJump * size * steps;
        if (overlap <= 0 && dist > gate) continue;
        // Overlap ranks first (1..2), then nearness (0..1).
        pairs.push({ t: ti, d: di, score: overlap > 0 ? 1 + overlap : 1 - dist / gate });
      }
    }
    pairs.sort((a, b) => b.score - a.score);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    const seen: Track[] = [];
    for (const p of pairs) {
      if (usedT.has(p.t) || usedD.has(p.d)) continue;
      usedT.add(p.t);
      usedD.add(p.d);
      const t = tracks[p.t];
      const d = dets[p.d];
      const steps = t.misses + 1;
      const cx = (d.box[0] + d.box[2] - t.box[0] - t.box[2]) / 2 / steps;
      const cy = (d.box[1] + d.box[3] - t.box[1] - t.box[3]) / 2 / steps;
      // Smoothed velocity: detections jitter.
      t.vx = t.hits > 1 ? 0.5 * t.vx + 0.5 * cx : cx;
      t.vy = t.hits > 1 ? 0.5 * t.vy + 0.5 * cy : cy;
      t.prev = t.point;
      t.box = d.box;
      t.point = refPoint(d.box);
      t.cls = d.cls;
      t.hits++;
      t.misses = 0;
      seen.push(t);
    }
    const next: Track[] = [];
    for (let ti = 0; ti < tracks.length; ti++) {
      const t = tracks[ti];
      if (usedT.has(ti)) next.push(t);
      else if (++t.misses <= this.maxMisses) next.push(t);
    }
    for (let di = 0; di < dets.length; di++) {
      if (usedD.has(di)) continue;
      const d = dets[di];
      const t: Track = { id: this.state.nextId++, cls: d.cls, box: d.box, point: refPoint(d.box), vx: 0, vy: 0, hits: 1, misses: 0 };
      next.push(t);
      seen.push(t);
    }
    this.state = { nextId: this.state.nextId, tracks: next };
    return seen;
  }
}
