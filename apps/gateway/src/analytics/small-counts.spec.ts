import { showCount } from './small-counts';

describe('showCount (small-count floor)', () => {
  it('hides 1 and 2 behind "<3", keeps 0 and 3 and more', () => {
    expect([0, 1, 2, 3, 4, 57].map((n) => showCount(n, 3))).toEqual([0, '<3', '<3', 3, 4, 57]);
  });

  it('applies to means too, after rounding to one decimal', () => {
    expect([0.01, 0.4, 2.96, 3.04, 12.345].map((n) => showCount(n, 3))).toEqual([0, '<3', 3, 3, 12.3]);
  });

  it('follows the configured floor (1 shows everything)', () => {
    expect([0, 1, 4].map((n) => showCount(n, 5))).toEqual([0, '<5', '<5']);
    expect([0, 1, 2].map((n) => showCount(n, 1))).toEqual([0, 1, 2]);
  });
});
