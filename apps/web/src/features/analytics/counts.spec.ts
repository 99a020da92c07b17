import { personsAndVehicles, plotValue, sumShown } from './counts';

describe('shown counts (small counts stay hidden when summed)', () => {
  it('sums numbers exactly', () => {
    expect(sumShown([3, 4, 0], 3)).toBe(7);
    expect(sumShown([], 3)).toBe(0);
  });

  it('keeps one small part alone as "<N"', () => {
    expect(sumShown(['<3'], 3)).toBe('<3');
    expect(sumShown([0, '<3'], 3)).toBe('<3');
  });

  it('gives the range the small parts allow when they are mixed', () => {
    expect(sumShown([5, '<3'], 3)).toBe('6–7');
    expect(sumShown(['<3', '<3'], 3)).toBe('2–4');
  });

  it('plots "<N" at N - 1 (its most) and a missing value as a gap', () => {
    expect(plotValue('<3', 3)).toBe(2);
    expect(plotValue(4, 3)).toBe(4);
    expect(plotValue(undefined, 3)).toBeNull();
  });

  it("splits a camera's zones into persons and vehicles", () => {
    expect(
      personsAndVehicles(
        [
          { cls: 'person', count: 4 },
          { cls: 'car', count: '<3' },
          { cls: 'truck', count: 3 },
          { cls: 'person', count: 0 },
        ],
        3,
      ),
    ).toEqual({ persons: 4, vehicles: '4–5' });
  });
});
