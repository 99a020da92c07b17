import { nms } from './nms';

describe('nms', () => {
  it('keeps the best of overlapping boxes and every box that overlaps nothing', () => {
    const kept = nms(
      [
        { box: [0, 0, 10, 10], score: 0.6 },
        { box: [1, 1, 11, 11], score: 0.9 },
        { box: [50, 50, 60, 60], score: 0.2 },
        { box: [0, 0, 10, 4], score: 0.5 }, // IoU with the best: 27/113 < 0.3
      ],
      0.3,
    );
    expect(kept.map((d) => d.score)).toEqual([0.9, 0.5, 0.2]);
  });

  it('suppresses only above the IoU threshold', () => {
    const a = { box: [0, 0, 10, 10] as [number, number, number, number], score: 1 };
    const b = { box: [5, 0, 15, 10] as [number, number, number, number], score: 0.5 }; // IoU 1/3
    expect(nms([a, b], 0.3)).toHaveLength(1);
    expect(nms([a, b], 0.34)).toHaveLength(2);
  });
});
