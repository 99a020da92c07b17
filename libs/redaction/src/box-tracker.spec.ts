import { BoxTracker } from './box-tracker';
import { Box, intersection, boxArea } from './box';

const covers = (outer: Box, inner: Box) => intersection(outer, inner) >= boxArea(inner) - 1e-6;

describe('BoxTracker', () => {
  it('asks for detection every Nth frame', () => {
    const t = new BoxTracker({ detectEvery: 3 });
    const asked: number[] = [];
    for (let f = 0; f < 10; f++) {
      if (t.shouldDetect(f)) {
        asked.push(f);
        t.detecting(f);
        t.update(f, []);
      }
    }
    expect(asked).toEqual([0, 3, 6, 9]);
  });

  it('returns null (mask) before the first result and when results stop coming', () => {
    const t = new BoxTracker({ detectEvery: 2, maxStaleFrames: 10 });
    expect(t.boxesFor(0)).toBeNull();
    t.update(0, []);
    expect(t.boxesFor(5)).toEqual([]);
    expect(t.boxesFor(11)).toBeNull();
  });

  it('keeps a fast moving face covered between detections once its motion is measured', () => {
    const t = new BoxTracker({ detectEvery: 5 });
    const at = (f: number): Box => [100 + 4 * f, 50, 140 + 4 * f, 90]; // 10% of its width per frame
    for (let f = 0; f <= 40; f++) {
      if (f % 5 === 0) t.update(f, [at(f)]);
      if (f >= 5) expect(t.boxesFor(f)!.some((b) => covers(b, at(f)))).toBe(true);
    }
  });

  it('widens a new box enough for moderate motion before its motion is known', () => {
    const t = new BoxTracker({ detectEvery: 5 });
    const at = (f: number): Box => [100 + 1.5 * f, 50 + f, 140 + 1.5 * f, 90 + f];
    t.update(0, [at(0)]);
    for (let f = 1; f < 5; f++) expect(covers(t.boxesFor(f)![0], at(f))).toBe(true);
    expect(covers(t.boxesFor(1)![0], at(4))).toBe(false);
  });

  it('keeps a box through a missed detection, then drops it', () => {
    const t = new BoxTracker({ detectEvery: 1, keepMisses: 2 });
    t.update(0, [[10, 10, 20, 20]]);
    t.update(1, []);
    t.update(2, []);
    expect(t.boxesFor(2)).toHaveLength(1);
    expect(covers(t.boxesFor(2)![0], [10, 10, 20, 20])).toBe(true);
    t.update(3, []);
    expect(t.boxesFor(3)).toHaveLength(0);
  });

  it('ignores results older than the last one (late replies)', () => {
    const t = new BoxTracker({ detectEvery: 1 });
    t.update(5, [[0, 0, 10, 10]]);
    t.update(3, []);
    expect(t.boxesFor(5)).toHaveLength(1);
  });
});
