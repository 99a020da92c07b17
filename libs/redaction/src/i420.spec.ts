import { i420Size, maskI420, redactI420 } from './i420';
import { Box, RedactionMethod } from './box';

function noiseFrame(w: number, h: number, seed = 1): Uint8Array {
  const data = new Uint8Array(i420Size(w, h));
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return data;
}

/** Counts changed bytes of one plane inside and outside a rectangle. */
function diff(a: Uint8Array, b: Uint8Array, offset: number, stride: number, rows: number, r: [number, number, number, number]) {
  let inside = 0,
    insideTotal = 0,
    outside = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < stride; x++) {
      const changed = a[offset + y * stride + x] !== b[offset + y * stride + x];
      if (x >= r[0] && x < r[2] && y >= r[1] && y < r[3]) {
        insideTotal++;
        if (changed) inside++;
      } else if (changed) outside++;
    }
  }
  return { inside, insideTotal, outside };
}

describe('redactI420', () => {
  const w = 160,
    h = 90;
  const box: Box = [40.3, 20.7, 80.2, 60.1];

  it.each<RedactionMethod>(['pixelate', 'blur', 'fill'])('%s changes the pixels of the padded box in Y, U and V and nothing else', (method) => {
    const before = noiseFrame(w, h);
    const after = before.slice();
    redactI420(after, w, h, [box], { method, padding: 0.1 });
    // padded by 10% of 40 (x) and 40 (y), then widened to even coordinates.
    const y = diff(before, after, 0, w, h, [36, 16, 86, 66]);
    expect(y.outside).toBe(0);
    expect(y.inside / y.insideTotal).toBeGreaterThan(0.95);
    const cw = w / 2,
      ch = h / 2;
    for (const off of [w * h, w * h + cw * ch]) {
      const c = diff(before, after, off, cw, ch, [18, 8, 43, 33]);
      expect(c.outside).toBe(0);
      expect(c.inside / c.insideTotal).toBeGreaterThan(0.9);
    }
  });

  it('pixelate leaves one value per cell: the original detail is gone', () => {
    const data = noiseFrame(w, h);
    redactI420(data, w, h, [[48, 16, 80, 48]], { method: 'pixelate', padding: 0 });
    // 32 px box -> 8 px cells aligned to the frame.
    for (let cy = 16; cy < 48; cy += 8) {
      for (let cx = 48; cx < 80; cx += 8) {
        const v = data[cy * w + cx];
        for (let y = cy; y < cy + 8; y++) for (let x = cx; x < cx + 8; x++) expect(data[y * w + x]).toBe(v);
      }
    }
  });

  it('blur output depends only on cell averages: two frames with equal averages redact identically', () => {
    const a = new Uint8Array(i420Size(w, h)).fill(100);
    const b = a.slice();
    // Inside one 8x8 cell, swap pixel values around: same average, different detail.
    for (let i = 0; i < 8; i++) {
      a[(16 + i) * w + 48 + i] = 200;
      b[(16 + i) * w + 55 - i] = 200;
    }
    redactI420(a, w, h, [[48, 16, 80, 48]], { method: 'blur', padding: 0 });
    redactI420(b, w, h, [[48, 16, 80, 48]], { method: 'blur', padding: 0 });
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('clips boxes at the frame edges and ignores empty or non-finite boxes', () => {
    const data = new Uint8Array(i420Size(w, h)).fill(200);
    redactI420(
      data,
      w,
      h,
      [
        [-50, -50, 10, 10],
        [w - 5, h - 5, w + 100, h + 100],
        [30, 30, 30, 30],
        [NaN, 0, 10, 10],
      ],
      { method: 'fill', padding: 0 },
    );
    let filled = 0;
    for (let i = 0; i < w * h; i++) if (data[i] === 16) filled++;
    expect(data[0]).toBe(16);
    expect(data[w * h - 1]).toBe(16);
    expect(filled).toBe(10 * 10 + 6 * 6); // the bottom-right box starts at an even x/y: 154..160
  });

  it('works on odd frame sizes', () => {
    const ow = 161,
      oh = 91;
    const data = noiseFrame(ow, oh);
    redactI420(data, ow, oh, [[150, 80, 161, 91]], { method: 'blur', padding: 0.5 });
    redactI420(data, ow, oh, [[150, 80, 161, 91]], { method: 'pixelate', padding: 0.5 });
    expect(data[oh * ow - 1]).toBeDefined();
  });

  it('refuses a buffer too short for the frame', () => {
    expect(() => redactI420(new Uint8Array(100), w, h, [], { method: 'fill', padding: 0 })).toThrow(RangeError);
  });

  it('maskI420 replaces every pixel', () => {
    const data = noiseFrame(w, h);
    maskI420(data, w, h);
    expect(new Set(data.subarray(0, w * h)).size).toBe(1);
    expect(new Set(data.subarray(w * h)).size).toBe(1);
  });
});
