import { halveTensor, inputGeometry, toBgrTensor } from './tensor';

describe('inputGeometry', () => {
  it('keeps the aspect and pads to multiples of 32', () => {
    expect(inputGeometry(1280, 720, 640)).toEqual({ width: 640, height: 360, padWidth: 640, padHeight: 384 });
    expect(inputGeometry(416, 416, 640)).toEqual({ width: 640, height: 640, padWidth: 640, padHeight: 640 });
    expect(inputGeometry(1000, 750, 300)).toEqual({ width: 300, height: 225, padWidth: 320, padHeight: 256 });
  });
});

describe('toBgrTensor', () => {
  it('writes planes B, G, R at 0..255 and zero padding', () => {
    // 2x2 RGB: red, green / blue, white
    const data = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    const g = { width: 2, height: 2, padWidth: 4, padHeight: 3 };
    const t = toBgrTensor({ format: 'rgb', width: 2, height: 2, data }, g);
    const plane = 12;
    const at = (c: number, x: number, y: number) => t[c * plane + y * 4 + x];
    expect([at(0, 0, 0), at(1, 0, 0), at(2, 0, 0)]).toEqual([0, 0, 255]); // red pixel as B,G,R
    expect([at(0, 0, 1), at(1, 0, 1), at(2, 0, 1)]).toEqual([255, 0, 0]); // blue
    expect([at(0, 1, 1), at(1, 1, 1), at(2, 1, 1)]).toEqual([255, 255, 255]);
    expect([at(0, 2, 0), at(1, 3, 2), at(2, 0, 2)]).toEqual([0, 0, 0]); // padding
  });

  it('reads BGR and RGBA as well', () => {
    const g = { width: 1, height: 1, padWidth: 1, padHeight: 1 };
    expect(Array.from(toBgrTensor({ format: 'bgr', width: 1, height: 1, data: new Uint8Array([10, 20, 30]) }, g))).toEqual([10, 20, 30]);
    expect(Array.from(toBgrTensor({ format: 'rgba', width: 1, height: 1, data: new Uint8Array([10, 20, 30, 0]) }, g))).toEqual([30, 20, 10]);
  });

  it('averages when downscaling (a 1-px line does not vanish or dominate)', () => {
    const w = 8,
      h = 8;
    const data = new Uint8Array(w * h * 3);
    for (let x = 0; x < w; x++) data.set([200, 200, 200], (3 * w + x) * 3); // one white row
    const g = { width: 2, height: 2, padWidth: 2, padHeight: 2 };
    const t = toBgrTensor({ format: 'rgb', width: w, height: h, data }, g);
    expect(t[0]).toBeCloseTo(50, 5); // the row is 1 of the 4 sampled rows of the top output row
    expect(t[2]).toBe(0);
  });

  it('converts I420 with BT.601 limited range', () => {
    const w = 2,
      h = 2;
    const data = new Uint8Array([16, 16, 235, 235, 128, 128]); // Y (black top, white bottom), U, V
    const g = { width: 2, height: 2, padWidth: 2, padHeight: 2 };
    const t = toBgrTensor({ format: 'i420', width: w, height: h, data }, g);
    expect(Array.from(t.subarray(0, 4)).map(Math.round)).toEqual([0, 0, 255, 255]);
  });
});

describe('toBgrTensor, I420 at the same size (one pass)', () => {
  it('gives what resampling by one would give: each pixel with the chroma of its 2x2 block', () => {
    const w = 6,
      h = 4;
    const data = new Uint8Array(w * h * 1.5);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) % 256;
    const f = { format: 'i420' as const, width: w, height: h, data };
    const same = toBgrTensor(f, { width: w, height: h, padWidth: 32, padHeight: 32 });
    const plane = 32 * 32;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const Y = 1.164 * (data[y * w + x] - 16);
        const u = data[w * h + (y >> 1) * (w / 2) + (x >> 1)] - 128;
        const v = data[w * h + (w / 2) * (h / 2) + (y >> 1) * (w / 2) + (x >> 1)] - 128;
        const o = y * 32 + x;
        expect([same[o], same[plane + o], same[2 * plane + o]].map((n) => n.toFixed(3))).toEqual(
          [Y + 2.017 * u, Y - 0.392 * u - 0.813 * v, Y + 1.596 * v].map((n) => n.toFixed(3)),
        );
      }
    }
    // padding stays zero, also in an array that is reused
    expect(same[w]).toBe(0);
    const reused = toBgrTensor(f, { width: w, height: h, padWidth: 32, padHeight: 32 }, new Float32Array(3 * plane).fill(9));
    expect(Array.from(reused)).toEqual(Array.from(same));
  });
});

describe('halveTensor', () => {
  it('averages 2x2 blocks of each plane when the sizes halve exactly', () => {
    const gs = { width: 4, height: 2, padWidth: 4, padHeight: 2 };
    const src = new Float32Array(3 * 8);
    src.set([0, 4, 8, 8, 4, 0, 0, 0], 0); // B plane
    src.set([10, 10, 10, 10, 10, 10, 10, 10], 8);
    const t = halveTensor(src, gs, { width: 2, height: 1, padWidth: 4, padHeight: 2 })!;
    expect(Array.from(t.subarray(0, 8))).toEqual([2, 4, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(t.subarray(8, 10))).toEqual([10, 10]);
    expect(halveTensor(src, gs, { width: 3, height: 1, padWidth: 32, padHeight: 32 })).toBeUndefined();
  });
});
