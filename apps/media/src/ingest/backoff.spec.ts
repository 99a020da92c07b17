import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from min up to max, and starts again after reset', () => {
    const b = new Backoff(100, 1000, 0);
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.attempts).toBe(6);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('shortens waits by at most the jitter fraction', () => {
    const low = new Backoff(1000, 8000, 0.2, () => 1);
    const high = new Backoff(1000, 8000, 0.2, () => 0);
    expect([low.next(), low.next()]).toEqual([800, 1600]);
    expect([high.next(), high.next()]).toEqual([1000, 2000]);
  });

  it('refuses an impossible range', () => {
    expect(() => new Backoff(0, 10)).toThrow(RangeError);
    expect(() => new Backoff(100, 10)).toThrow(RangeError);
  });
});
