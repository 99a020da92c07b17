import { RawFrameSplitter } from './raw-frames';

describe('RawFrameSplitter', () => {
  it('cuts chunks of any size into whole frames, in order, each in a buffer of its own', () => {
    const frames: Buffer[] = [];
    const split = new RawFrameSplitter(5, (f) => frames.push(f));
    const stream = Buffer.from([...Array(17).keys()]);
    for (const [a, b] of [
      [0, 2],
      [2, 3],
      [3, 11],
      [11, 12],
      [12, 17],
    ])
      split.push(stream.subarray(a, b));
    expect(frames.map((f) => [...f])).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14],
    ]);
    // the last two bytes wait for the rest of their frame
    split.push(Buffer.from([17, 18, 19]));
    expect([...frames[3]]).toEqual([15, 16, 17, 18, 19]);
    // a receiver changing its frame changes nothing else
    frames[0].fill(99);
    expect([...frames[1]]).toEqual([5, 6, 7, 8, 9]);
    expect(stream[0]).toBe(0);
  });
});
