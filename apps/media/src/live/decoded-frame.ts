import type { PipelineFrame } from '@borderlens/redaction';

/** A decoded picture in yuv420p, as it moves through a live pipeline. */
export interface DecodedFrame extends PipelineFrame {
  /** Source presentation time, ms. */
  pts: number;
  /** When its compressed frame arrived from the camera (Date.now()), for budgets and latency. */
  at: number;
}

/**
 * Area-averaged downscale of a yuv420p frame to `outW` x `outH` (even sizes): the copy sent to
 * the detector. Integer box averaging keeps it cheap (about 2 ms for 720p -> 640x360).
 */
export function downscaleI420(src: Uint8Array, w: number, h: number, outW: number, outH: number): Buffer {
  const out = Buffer.alloc(outW * outH + 2 * (outW >> 1) * (outH >> 1));
  scalePlane(src, 0, w, h, w, out, 0, outW, outH);
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  const ocw = outW >> 1;
  const och = outH >> 1;
  scalePlane(src, w * h, cw, ch, cw, out, outW * outH, ocw, och);
  scalePlane(src, w * h + cw * ch, cw, ch, cw, out, outW * outH + ocw * och, ocw, och);
  return out;
}

function scalePlane(src: Uint8Array, so: number, w: number, h: number, stride: number, dst: Uint8Array, d0: number, ow: number, oh: number): void {
  if (w === 2 * ow && h === 2 * oh) {
    // The common case (720p to the default 640x360): 2x2 averages, same result, ~2.5x faster.
    for (let y = 0; y < oh; y++) {
      const o = d0 + y * ow;
      for (let x = 0, a = so + 2 * y * stride, b = a + stride; x < ow; x++, a += 2, b += 2) dst[o + x] = (src[a] + src[a + 1] + src[b] + src[b + 1] + 2) >> 2;
    }
    return;
  }
  const xs = new Int32Array(ow + 1);
  for (let x = 0; x <= ow; x++) xs[x] = Math.min(w, Math.round((x * w) / ow));
  for (let y = 0; y < oh; y++) {
    const ya = Math.floor((y * h) / oh);
    const yb = Math.max(ya + 1, Math.floor(((y + 1) * h) / oh));
    for (let x = 0; x < ow; x++) {
      const xa = xs[x];
      const xb = Math.max(xa + 1, xs[x + 1]);
      let sum = 0;
      for (let yy = ya; yy < yb; yy++) {
        const row = so + yy * stride;
        for (let xx = xa; xx < xb; xx++) sum += src[row + xx];
      }
      dst[d0 + y * ow + x] = (sum / ((yb - ya) * (xb - xa)) + 0.5) | 0;
    }
  }
}

/** Detection copy size: `width` wide (even), height keeping the aspect (even); never upscales. */
export function detectionSize(w: number, h: number, width: number): { width: number; height: number } {
  if (w <= width) return { width: w & ~1, height: h & ~1 };
  return { width: width & ~1, height: Math.max(2, Math.round((h * width) / w) & ~1) };
}
