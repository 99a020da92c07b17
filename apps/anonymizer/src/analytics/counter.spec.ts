import type { AnalyticsCamera, AnalyticsClass } from '@borderlens/contracts';
import type { Box } from '@borderlens/redaction';
import { CameraCounter } from './counter';
import { ObjectTracker, type TrackInput } from './tracker';

/** A box of w x h (fractions) standing at (x, y): y is its bottom edge. */
function at(x: number, y: number, cls: AnalyticsClass = 'person', w = 0.04, h = 0.1): TrackInput {
  const box: Box = [x - w / 2, y - h, x + w / 2, y];
  return { box, cls };
}

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);

/** A vertical line at x = 0.5 drawn upwards: its right (forward) is the picture's right. */
const camera: AnalyticsCamera = {
  cameraId: 'cam-1',
  revision: 1,
  zones: [
    {
      id: 'bridge',
      name: 'Bridge',
      polygon: [
        [0.6, 0.2],
        [0.9, 0.2],
        [0.9, 0.9],
        [0.6, 0.9],
      ],
    },
  ],
  lines: [{ id: 'border', name: 'Border', a: [0.5, 0.9], b: [0.5, 0.1], forwardName: 'towards PL', backwardName: 'towards CZ' }],
};

describe('ObjectTracker', () => {
  it('keeps one id for an object moving less than its size per sample, and separate ids for two', () => {
    const tr = new ObjectTracker();
    const ids = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const seen = tr.update([at(0.1 + i * 0.03, 0.5), at(0.8 - i * 0.03, 0.6)]);
      seen.forEach((t) => ids.add(t.id));
    }
    expect(ids.size).toBe(2);
  });

  it('follows a fast vehicle that moves more than its length between samples (no overlap) by its velocity', () => {
    const tr = new ObjectTracker();
    const ids = new Set<number>();
    for (let i = 0; i < 5; i++) tr.update([at(0.1 + i * 0.12, 0.7, 'car', 0.08, 0.06)]).forEach((t) => ids.add(t.id));
    expect(ids.size).toBe(1);
  });

  it('bridges a missed sample but ends the track after maxMisses', () => {
    const tr = new ObjectTracker(undefined, { maxMisses: 2 });
    const first = tr.update([at(0.3, 0.5)])[0].id;
    tr.update([]);
    expect(tr.update([at(0.32, 0.5)])[0].id).toBe(first);
    tr.update([]);
    tr.update([]);
    tr.update([]);
    expect(tr.tracks).toHaveLength(0);
    expect(tr.update([at(0.32, 0.5)])[0].id).not.toBe(first);
  });

  it('does not match a person to a vehicle, but lets a vehicle change label (car -> truck)', () => {
    const tr = new ObjectTracker();
    const a = tr.update([at(0.5, 0.5, 'car', 0.1, 0.08)])[0].id;
    const [t] = tr.update([at(0.51, 0.5, 'truck', 0.1, 0.08)]);
    expect(t.id).toBe(a);
    expect(t.cls).toBe('truck');
    expect(tr.update([at(0.52, 0.5, 'person', 0.1, 0.08)])[0].id).not.toBe(a);
  });
});

describe('CameraCounter', () => {
  /** Runs samples at 2 per second; each sample is a list of detections. */
  function run(counter: CameraCounter, samples: TrackInput[][], t0 = T0) {
    return samples.map((dets, i) => counter.sample(t0 + i * 500, dets));
  }

  it('counts crossings per direction and class on fixed tracks, each object once', () => {
    const c = new CameraCounter(camera);
    // Line a (0.5,0.9) -> b (0.5,0.1) points up; its right (forward) is the picture's right.
    const samples: TrackInput[][] = [];
    for (let i = 0; i < 8; i++) {
      samples.push([
        at(0.3 + i * 0.05, 0.5), // person left -> right: forward
        at(0.75 - i * 0.05, 0.8, 'car', 0.08, 0.06), // car right -> left: backward
        at(0.2, 0.3), // person standing left of the line: never crosses
      ]);
    }
    const results = run(c, samples);
    const live = results[results.length - 1].live;
    expect(live.crossings.sort((a, b) => a.cls.localeCompare(b.cls))).toEqual([
      { targetId: 'border', cls: 'car', direction: 'backward', count: 1 },
      { targetId: 'border', cls: 'person', direction: 'forward', count: 1 },
    ]);
  });

  it('does not count a track jittering on the line, nor one passing beyond the end of the line', () => {
    const c = new CameraCounter(camera);
    const samples: TrackInput[][] = [];
    for (let i = 0; i < 10; i++) samples.push([at(0.5 + (i % 2 ? 0.002 : -0.002), 0.5)]);
    // Passes x = 0.5 below the line's lower end (y 0.95 > 0.9).
    for (let i = 0; i < 8; i++) samples.push([at(0.3 + i * 0.05, 0.97)]);
    const results = run(c, samples);
    expect(results[results.length - 1].live.crossings).toEqual([]);
  });

  it('counts a walk back and forth as one crossing each way', () => {
    const c = new CameraCounter(camera);
    const xs = [0.4, 0.45, 0.55, 0.6, 0.55, 0.45, 0.4];
    const results = run(
      c,
      xs.map((x) => [at(x, 0.5)]),
    );
    const counts = Object.fromEntries(results[results.length - 1].live.crossings.map((x) => [x.direction, x.count]));
    expect(counts).toEqual({ forward: 1, backward: 1 });
  });

  it('samples zone occupancy and closes the minute with max and mean per class', () => {
    const c = new CameraCounter(camera);
    const samples: TrackInput[][] = [];
    // 120 samples = 60 s: 3 persons in the zone for the first 20 s, 5 for the next 40 s, a car throughout.
    for (let i = 0; i < 120; i++) {
      const n = i < 40 ? 3 : 5;
      samples.push([...Array(n)].map((_, k) => at(0.62 + k * 0.05, 0.5)).concat([at(0.75, 0.85, 'bus', 0.1, 0.1)]));
    }
    const results = run(c, samples);
    expect(results[results.length - 1].live.zones).toEqual([
      { targetId: 'bridge', cls: 'person', count: 5 },
      { targetId: 'bridge', cls: 'bus', count: 1 },
    ]);
    const next = c.sample(T0 + 60_000, []);
    const rows = next.finished;
    expect(rows.find((r) => r.cls === 'person')).toMatchObject({ kind: 'zone', targetId: 'bridge', minute: new Date(T0).toISOString(), occupancyMax: 5, samples: 120 });
    expect(rows.find((r) => r.cls === 'person')!.occupancyAvg).toBeCloseTo((40 * 3 + 80 * 5) / 120, 2);
    expect(rows.find((r) => r.cls === 'bus')).toMatchObject({ occupancyMax: 1, occupancyAvg: 1 });
    // Confirmed objects missed for up to two samples are held (detector flicker), then gone.
    expect(next.live.zones).toContainEqual({ targetId: 'bridge', cls: 'person', count: 5 });
    c.sample(T0 + 60_500, []);
    expect(c.sample(T0 + 61_000, []).live.zones).toEqual([{ targetId: 'bridge', cls: 'person', count: 0 }]);
  });

  it('continues from the state a previous sample returned (another node), and starts over on a new revision', () => {
    const a = new CameraCounter(camera);
    a.sample(T0, [at(0.45, 0.5)]);
    const b = new CameraCounter(camera, JSON.parse(JSON.stringify(a.snapshot())));
    const r = b.sample(T0 + 500, [at(0.55, 0.5)]);
    expect(r.live.crossings).toEqual([{ targetId: 'border', cls: 'person', direction: 'forward', count: 1 }]);
    const changed = new CameraCounter({ ...camera, revision: 2 }, b.snapshot());
    expect(changed.sample(T0 + 1000, [at(0.4, 0.5)]).live.crossings).toEqual([]);
  });
});
