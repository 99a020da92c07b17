import { coverBoxes, coveringDetections, withoutContained } from './look-ahead';

describe('clip export look-ahead', () => {
  it('names the detections around a frame, waits for the one after, and uses the last frame at the end', () => {
    const upTo = (n: number) => (s: number) => s <= n && s % 3 === 0;
    expect(coveringDetections(4, 3, upTo(6), null)).toEqual([0, 3, 6]);
    expect(coveringDetections(3, 3, upTo(6), null)).toEqual([0, 3, 6]);
    expect(coveringDetections(1, 3, upTo(3), null)).toEqual([0, 3]);
    expect(coveringDetections(7, 3, upTo(6), null)).toBeNull();
    expect(coveringDetections(7, 3, upTo(6), 8)).toEqual([3, 6, 8]);
    // every frame detected: the frame before, itself and the one after
    expect(coveringDetections(5, 1, () => true, null)).toEqual([4, 5, 6]);
  });

  it('drops boxes inside others, keeping one of identical ones', () => {
    expect(
      withoutContained([
        [0, 0, 10, 10],
        [2, 2, 5, 5],
        [0, 0, 10, 10],
        [20, 20, 30, 30],
      ]),
    ).toEqual([
      [0, 0, 10, 10],
      [20, 20, 30, 30],
    ]);
  });

  it('covers a box moving between two detections along its whole path', () => {
    const before: [number, number, number, number] = [100, 100, 140, 140];
    const after: [number, number, number, number] = [160, 100, 200, 140];
    const boxes = coverBoxes([before], [after]);
    // the midway position (130..170) lies inside one covering box
    expect(boxes.some((b) => b[0] <= 130 && b[2] >= 170 && b[1] <= 100 && b[3] >= 140)).toBe(true);
    // far apart boxes are not joined (two different objects)
    expect(coverBoxes([[0, 0, 10, 10]], [[500, 500, 510, 510]])).toHaveLength(2);
    expect(coverBoxes([], [], [[0, 0, 10, 10]])).toEqual([[-1, -1, 11, 11]]);
    // a static face: the hull contains the grown boxes, so one box is redacted, not three
    expect(coverBoxes([[0, 0, 10, 10]], [[0, 0, 10, 10]], [[0, 0, 10, 10]])).toEqual([[-1, -1, 11, 11]]);
  });
});
