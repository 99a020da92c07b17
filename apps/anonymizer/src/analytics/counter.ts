import {
  pointInPolygon,
  segmentsIntersect,
  side,
  type AnalyticsCamera,
  type AnalyticsClass,
  type AnalyticsLive,
  type AnalyticsMinute,
  type CrossingDirection,
  type Point,
} from '@borderlens/contracts';
import { ObjectTracker, type TrackInput, type TrackerOptions, type TrackerState } from './tracker';

/** How far (fraction of the picture) a point must be from a line to count as being on one side: detections jitter. */
const LINE_DEAD_BAND = 0.004;

/** Counts of the minute under way. Keys: `zone|cls` and `line|cls|direction`. */
interface MinuteState {
  start: number;
  samples: number;
  zones: Record<string, { sum: number; max: number }>;
  lines: Record<string, number>;
}

/**
 * Everything a camera's counting needs from one sample to the next; small, plain JSON, carried in
 * the reply to the media node and back with the next sample. `sides`: per track id and line id, the
 * side the object was last clearly on and where.
 */
export interface CounterState {
  revision: number;
  tracker: TrackerState;
  sides: Record<string, { s: 1 | -1; p: Point }>;
  minute?: MinuteState;
}

export interface SampleResult {
  /** Minutes that ended before this sample (usually none, one at each minute boundary). */
  finished: AnalyticsMinute[];
  live: AnalyticsLive;
}

const MINUTE = 60_000;
/** Samples a confirmed object may be missed in and still count as present in a zone. */
const HOLD_MISSES = 2;

/**
 * Zone occupancy and line crossings of one camera from the detections of its samples: tracks the
 * objects, counts per minute, and says what is there now. Coordinates are fractions of the picture.
 */
export class CameraCounter {
  private readonly tracker: ObjectTracker;
  private readonly state: CounterState;

  constructor(
    private readonly camera: AnalyticsCamera,
    state?: unknown,
    opts?: TrackerOptions,
  ) {
    const s = isCounterState(state) && state.revision === camera.revision ? state : undefined;
    this.state = s ?? { revision: camera.revision, tracker: { nextId: 1, tracks: [] }, sides: {} };
    this.tracker = new ObjectTracker(this.state.tracker, opts);
  }

  snapshot(): CounterState {
    return { ...this.state, tracker: this.tracker.snapshot() };
  }

  sample(at: number, dets: TrackInput[]): SampleResult {
    const finished: AnalyticsMinute[] = [];
    const start = Math.floor(at / MINUTE) * MINUTE;
    if (this.state.minute && this.state.minute.start !== start) {
      finished.push(...this.rows(this.state.minute));
      this.state.minute = undefined;
    }
    const m = (this.state.minute ??= { start, samples: 0, zones: {}, lines: {} });
    m.samples++;
    const seen = this.tracker.update(dets);
    const alive = new Set(this.tracker.tracks.map((t) => String(t.id)));

    // Occupancy: objects whose reference point lies in the zone, seen in this sample or, when
    // confirmed (seen twice), missed for at most HOLD_MISSES samples: a detector flickers on a person
    // standing still, and a count that drops for one sample is wrong.
    const present = this.tracker.tracks.filter((t) => t.misses === 0 || (t.misses <= HOLD_MISSES && t.hits >= 2));
    const now: Record<string, number> = {};
    for (const z of this.camera.zones) {
      for (const t of present) if (pointInPolygon(t.point, z.polygon)) now[`${z.id}|${t.cls}`] = (now[`${z.id}|${t.cls}`] ?? 0) + 1;
    }
    const zoneKeys = new Set([...Object.keys(m.zones), ...Object.keys(now)]);
    for (const k of zoneKeys) {
      const z = (m.zones[k] ??= { sum: 0, max: 0 });
      const n = now[k] ?? 0;
      z.sum += n;
      z.max = Math.max(z.max, n);
    }

    // Crossings: a track that was clearly on one side of a line and now is clearly on the other,
    // having passed through the line itself (not around its ends).
    for (const t of seen) {
      for (const l of this.camera.lines) {
        const key = `${t.id}|${l.id}`;
        const len = Math.hypot(l.b[0] - l.a[0], l.b[1] - l.a[1]);
        const dist = side(l.a, l.b, t.point) / len;
        if (Math.abs(dist) < LINE_DEAD_BAND) continue;
        const s: 1 | -1 = dist > 0 ? 1 : -1;
        const before = this.state.sides[key];
        if (before && before.s !== s && segmentsIntersect(before.p, t.point, l.a, l.b)) {
          const direction: CrossingDirection = s > 0 ? 'forward' : 'backward';
          const k = `${l.id}|${t.cls}|${direction}`;
          m.lines[k] = (m.lines[k] ?? 0) + 1;
        }
        this.state.sides[key] = { s, p: t.point };
      }
    }
    for (const key of Object.keys(this.state.sides)) if (!alive.has(key.split('|')[0])) delete this.state.sides[key];

    return {
      finished,
      live: {
        cameraId: this.camera.cameraId,
        at: new Date(at).toISOString(),
        zones: this.camera.zones.flatMap((z) => classesIn(now, z.id).map(({ cls, n }) => ({ targetId: z.id, cls, count: n }))),
        crossings: Object.entries(m.lines).map(([k, count]) => {
          const [targetId, cls, direction] = k.split('|') as [string, AnalyticsClass, CrossingDirection];
          return { targetId, cls, direction, count };
        }),
      },
    };
  }

  /** The finished minute as rows: every zone with persons and every class seen; lines with crossings. */
  private rows(m: MinuteState): AnalyticsMinute[] {
    const minute = new Date(m.start).toISOString();
    const base = { cameraId: this.camera.cameraId, minute, samples: m.samples };
    const out: AnalyticsMinute[] = [];
    for (const z of this.camera.zones) {
      const classes = new Set<AnalyticsClass>(['person']);
      for (const k of Object.keys(m.zones)) if (k.startsWith(`${z.id}|`)) classes.add(k.slice(z.id.length + 1) as AnalyticsClass);
      for (const cls of classes) {
        const v = m.zones[`${z.id}|${cls}`] ?? { sum: 0, max: 0 };
        out.push({ ...base, kind: 'zone', targetId: z.id, cls, occupancyMax: v.max, occupancyAvg: Math.round((v.sum / m.samples) * 100) / 100 });
      }
    }
    for (const [k, crossings] of Object.entries(m.lines)) {
      const [targetId, cls, direction] = k.split('|') as [string, AnalyticsClass, CrossingDirection];
      out.push({ ...base, kind: 'line', targetId, cls, direction, crossings });
    }
    return out;
  }
}

function classesIn(now: Record<string, number>, zoneId: string): { cls: AnalyticsClass; n: number }[] {
  const out: { cls: AnalyticsClass; n: number }[] = [{ cls: 'person', n: now[`${zoneId}|person`] ?? 0 }];
  for (const [k, n] of Object.entries(now)) {
    const [z, cls] = k.split('|') as [string, AnalyticsClass];
    if (z === zoneId && cls !== 'person') out.push({ cls, n });
  }
  return out;
}

function isCounterState(s: unknown): s is CounterState {
  const c = s as CounterState;
  return !!c && typeof c === 'object' && typeof c.revision === 'number' && !!c.tracker && Array.isArray(c.tracker.tracks) && typeof c.sides === 'object';
}
