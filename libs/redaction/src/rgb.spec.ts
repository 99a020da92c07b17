import { maskRgb, redactRgb } from './rgb';
import { RedactionMethod } from './box';

function noise(n: number): Uint8Array {
  const d = new Uint8Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    d[i] = s >>> 24;
  }
  return d;
}

describe('redactRgb', () => {
  const w = 100,
    h = 80;

  it.each<[RedactionMethod, 3 | 4]>([
    ['pixelate', 3],
    ['blur', 3],
    ['fill', 3],
    ['pixelate', 4],
    ['blur', 4],
  ])('%s on %i channels changes the box only and keeps alpha', (method, ch) => {
    const before = noise(w * h * ch);
    const after = before.slice();
    redactRgb(after, w, h, ch, [[20, 10, 60, 50]], { method, padding: 0.25 });
    let inside = 0,
      total = 0,
      outside = 0,
      alpha = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < ch; c++) {
          const i = (y * w + x) * ch + c;
          const changed = before[i] !== after[i];
          if (c === 3) {
            if (changed) alpha++;
            continue;
          }
          if (x >= 10 && x < 70 && y >= 0 && y < 60) {
            total++;
            if (changed) inside++;
          } else if (changed) outside++;
        }
      }
    }
    expect(outside).toBe(0);
    expect(alpha).toBe(0);
    expect(inside / total).toBeGreaterThan(0.95);
  });

  it('maskRgb replaces every colour value', () => {
    const d = noise(w * h * 3);
    maskRgb(d, w, h, 3);
    expect(new Set(d).size).toBe(1);
  });
});
