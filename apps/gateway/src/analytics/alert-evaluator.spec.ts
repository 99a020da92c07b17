import type { AnalyticsAlertRule, AnalyticsLive, AnalyticsMinute } from '@borderlens/contracts';
import { AlertEvaluator } from './alert-evaluator';

const crowd: AnalyticsAlertRule = { id: 'crowd', name: 'Crowd on the bridge', kind: 'occupancy', targetId: 'bridge', classes: ['person'], threshold: 50, durationSec: 30 };
const queue: AnalyticsAlertRule = {
  id: 'queue',
  name: 'Many vehicles towards PL',
  kind: 'crossing-rate',
  targetId: 'crossing',
  classes: ['car', 'truck'],
  direction: 'forward',
  threshold: 20,
  durationSec: 120,
};
const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);

function live(secondsIn: number, persons: number): AnalyticsLive {
  return {
    cameraId: 'c',
    at: new Date(T0 + secondsIn * 1000).toISOString(),
    zones: [
      { targetId: 'bridge', cls: 'person', count: persons },
      { targetId: 'bridge', cls: 'car', count: 99 },
    ],
    crossings: [],
  };
}

describe('AlertEvaluator', () => {
  it('raises an occupancy alert once the zone stays above the threshold for the duration, once per episode', () => {
    const e = new AlertEvaluator();
    const raisedAt: number[] = [];
    const counts = [51, 60, 55, 40, 52, 53, 54, 55, 56, 57, 58, 59];
    counts.forEach((n, i) => e.live(live(i * 10, n), [crowd]).forEach((a) => raisedAt.push((a.at.getTime() - T0) / 1000)));
    // Above from 0 s to 20 s (dropped at 30 s), then from 40 s: 30 s later is 70 s. Not again while above.
    expect(raisedAt).toEqual([70]);
    // Back under, then above for 30 s again: a new episode.
    e.live(live(130, 10), [crowd]);
    expect(e.live(live(140, 70), [crowd])).toEqual([]);
    expect(e.live(live(170, 70), [crowd]).map((a) => a.value)).toEqual([70]);
  });

  it('counts only the classes of the rule (cars in the zone do not make a crowd)', () => {
    const e = new AlertEvaluator();
    expect([0, 40].flatMap((s) => e.live(live(s, 5), [crowd]))).toEqual([]);
  });

  it('raises a crossing-rate alert after ceil(duration / 60) minutes in a row above, in the rule direction and classes', () => {
    const e = new AlertEvaluator();
    const minute = (i: number, cars: number, backward = 0): AnalyticsMinute[] => {
      const m = new Date(T0 + i * 60_000).toISOString();
      return [
        { cameraId: 'c', minute: m, kind: 'line', targetId: 'crossing', cls: 'car', direction: 'forward', crossings: cars, samples: 120 },
        { cameraId: 'c', minute: m, kind: 'line', targetId: 'crossing', cls: 'car', direction: 'backward', crossings: backward, samples: 120 },
      ];
    };
    const fired = [[25], [10, 90], [21], [22], [30]].map(([f, b], i) => e.minute('c', new Date(T0 + i * 60_000).toISOString(), minute(i, f, b), [queue]).length);
    expect(fired).toEqual([0, 0, 0, 1, 0]);
  });
});
