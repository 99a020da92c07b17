import { i420Size } from '@borderlens/redaction';
import { detectionSize, downscaleI420 } from './decoded-frame';

/** Box average of one plane, computed the plain way: each output pixel is the rounded mean of its footprint. */
function reference(src: Uint8Array, off: number, w: number, h: number, ow: number, oh: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const ya = Math.floor((y * h) / oh),
        yb = Math.max(ya + 1, Math.floor(((y + 1) * h) / oh));
      const xa = Math.min(w, Math.round((x * w) / ow)),
        xb = Math.max(xa + 1, Math.min(w, Math.round(((x + 1) * w) / ow)));
      let sum = 0;
      for (let yy = ya; yy < yb; yy++) for (let xx = xa; xx < xb; xx++) sum += src[off + yy * w + xx];
      out.push(Math.floor(sum / ((yb - ya) * (xb - xa)) + 0.5));
    }
  }
  return out;
}

function noise(n: number, seed = 7): Uint8Array {
  const a = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) a[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return a;
}

describe('downscaleI420', () => {
  it.each([
    ['halving (fast path)', 128, 72, 64, 36],
    ['other ratios', 120, 72, 64, 38],
  ])('averages every plane over its footprint: %s', (_name, w, h, ow, oh) => {
    const src = noise(i420Size(w, h));
    const out = downscaleI420(src, w, h, ow, oh);
    expect(out.length).toBe(i420Size(ow, oh));
    const [cw, ch, ocw, och] = [w / 2, h / 2, ow / 2, oh / 2];
    expect([...out.subarray(0, ow * oh)]).toEqual(reference(src, 0, w, h, ow, oh));
    expect([...out.subarray(ow * oh, ow * oh + ocw * och)]).toEqual(reference(src, w * h, cw, ch, ocw, och));
    expect([...out.subarray(ow * oh + ocw * och)]).toEqual(reference(src, w * h + cw * ch, cw, ch, ocw, och));
  });

  it('sizes the detection copy to the width asked, even, never larger than the frame', () => {
    expect(detectionSize(1280, 720, 640)).toEqual({ width: 640, height: 360 });
    expect(detectionSize(1920, 1080, 640)).toEqual({ width: 640, height: 360 });
    expect(detectionSize(321, 241, 640)).toEqual({ width: 320, height: 240 });
  });
});
