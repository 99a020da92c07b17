import type { RawFrame } from '../frame';

/** Where a frame lands in a detector input: scaled to width x height, zero-padded to padWidth x padHeight. */
export interface InputGeometry {
  width: number;
  height: number;
  padWidth: number;
  padHeight: number;
}

/**
 * Input size for a frame scaled to `targetWidth` (aspect kept), padded up to multiples of `multiple`
 * as the detectors need.
 */
export function inputGeometry(frameWidth: number, frameHeight: number, targetWidth: number, multiple = 32): InputGeometry {
  const width = Math.max(1, Math.round(targetWidth));
  const height = Math.max(1, Math.round((frameHeight * width) / frameWidth));
  return { width, height, padWidth: Math.ceil(width / multiple) * multiple, padHeight: Math.ceil(height / multiple) * multiple };
}

/**
 * Sampling plan along one axis: for each output position, `k` source positions and weights.
 * Downscaling averages k evenly spaced samples over the output pixel's footprint (k up to 4, so small
 * faces do not alias away); upscaling interpolates linearly between two neighbours.
 */
interface Taps {
  k: number;
  idx: Int32Array;
  w: Float32Array;
  /** All weights equal (1/k): plain sums then one scale, the fast path. */
  uniform: boolean;
}

function taps(outSize: number, inSize: number): Taps {
  const scale = inSize / outSize;
  if (scale === 1) return { k: 1, idx: Int32Array.from({ length: outSize }, (_, i) => i), w: new Float32Array(outSize).fill(1), uniform: true };
  if (scale < 1) {
    const idx = new Int32Array(outSize * 2);
    const w = new Float32Array(outSize * 2);
    for (let i = 0; i < outSize; i++) {
      const f = Math.max(0, (i + 0.5) * scale - 0.5);
      const i0 = Math.min(inSize - 1, Math.floor(f));
      const a = Math.min(1, f - i0);
      idx[2 * i] = i0;
      idx[2 * i + 1] = Math.min(inSize - 1, i0 + 1);
      w[2 * i] = 1 - a;
      w[2 * i + 1] = a;
    }
    return { k: 2, idx, w, uniform: false };
  }
  const k = Math.min(4, Math.max(1, Math.round(scale)));
  const idx = new Int32Array(outSize * k);
  const w = new Float32Array(outSize * k).fill(1 / k);
  for (let i = 0; i < outSize; i++) {
    for (let j = 0; j < k; j++) idx[i * k + j] = Math.min(inSize - 1, Math.floor((i + (j + 0.5) / k) * scale));
  }
  return { k, idx, w, uniform: true };
}

/**
 * Builds the detectors' input: float32 [1,3,padH,padW], planes B, G, R, values 0..255, the frame
 * resized to geometry width x height (the rest zero). YUV is converted with BT.601 limited-range
 * coefficients after resampling (luma averaged, chroma taken at the footprint's centre).
 */
export function toBgrTensor(frame: RawFrame, g: InputGeometry, out?: Float32Array): Float32Array {
  // A new array is all zeros already (the padding); a reused one is cleared.
  if (out) out.fill(0);
  else out = new Float32Array(3 * g.padWidth * g.padHeight);
  const tx = taps(g.width, frame.width);
  const ty = taps(g.height, frame.height);
  if (frame.format === 'i420') i420Tensor(frame, g, tx, ty, out);
  else interleavedTensor(frame, g, tx, ty, out);
  return out;
}

function interleavedTensor(f: RawFrame, g: InputGeometry, tx: Taps, ty: Taps, out: Float32Array): void {
  const ch = f.format === 'rgba' ? 4 : 3;
  // Offsets of R, G, B inside a pixel.
  const ro = f.format === 'bgr' ? 2 : 0;
  const bo = 2 - ro;
  const d = f.data;
  const plane = g.padWidth * g.padHeight;
  const rowStride = f.width * ch;
  const gw = g.width,
    kx = tx.k,
    ky = ty.k;
  const xi = new Int32Array(tx.idx.length);
  for (let i = 0; i < xi.length; i++) xi[i] = tx.idx[i] * ch;
  const xw = tx.w;
  const accR = new Float32Array(gw),
    accG = new Float32Array(gw),
    accB = new Float32Array(gw);
  if (tx.uniform && ty.uniform) {
    // Box average: integer sums, one scale per pixel.
    const inv = 1 / (kx * ky);
    for (let y = 0; y < g.height; y++) {
      const o0 = y * g.padWidth;
      for (let x = 0; x < gw; x++) {
        let r = 0,
          gg = 0,
          b = 0;
        for (let j = 0; j < ky; j++) {
          const row = ty.idx[y * ky + j] * rowStride;
          for (let i = 0, t = x * kx; i < kx; i++, t++) {
            const p = row + xi[t];
            r += d[p + ro];
            gg += d[p + 1];
            b += d[p + bo];
          }
        }
        out[o0 + x] = b * inv;
        out[plane + o0 + x] = gg * inv;
        out[2 * plane + o0 + x] = r * inv;
      }
    }
    return;
  }
  for (let y = 0; y < g.height; y++) {
    accR.fill(0);
    accG.fill(0);
    accB.fill(0);
    for (let j = 0; j < ky; j++) {
      const row = ty.idx[y * ky + j] * rowStride;
      const wy = ty.w[y * ky + j];
      for (let x = 0, t = 0; x < gw; x++) {
        let r = 0,
          gg = 0,
          b = 0;
        for (let i = 0; i < kx; i++, t++) {
          const p = row + xi[t];
          const wt = xw[t];
          r += wt * d[p + ro];
          gg += wt * d[p + 1];
          b += wt * d[p + bo];
        }
        accR[x] += wy * r;
        accG[x] += wy * gg;
        accB[x] += wy * b;
      }
    }
    const o0 = y * g.padWidth;
    out.set(accB, o0);
    out.set(accG, plane + o0);
    out.set(accR, 2 * plane + o0);
  }
}

// BT.601 chroma terms by byte value.
const UB = Float32Array.from({ length: 256 }, (_, u) => 2.017 * (u - 128));
const UG = Float32Array.from({ length: 256 }, (_, u) => -0.392 * (u - 128));
const VG = Float32Array.from({ length: 256 }, (_, v) => -0.813 * (v - 128));
const VR = Float32Array.from({ length: 256 }, (_, v) => 1.596 * (v - 128));

function i420Tensor(f: RawFrame, g: InputGeometry, tx: Taps, ty: Taps, out: Float32Array): void {
  const d = f.data;
  const w = f.width;
  const cw = (f.width + 1) >> 1;
  const chh = (f.height + 1) >> 1;
  const uBase = w * f.height;
  const vBase = uBase + cw * chh;
  const plane = g.padWidth * g.padHeight;
  const gw = g.width,
    kx = tx.k,
    ky = ty.k;
  const xi = tx.idx,
    xw = tx.w;
  // Chroma column per output pixel: the footprint's centre.
  const ccol = new Int32Array(gw);
  for (let x = 0; x < gw; x++) ccol[x] = Math.min(cw - 1, Math.floor(((x + 0.5) * f.width) / gw / 2));
  if (gw === f.width && g.height === f.height) {
    // Same size (the live input, a copy already downscaled by the media node): no resampling, one pass.
    for (let y = 0; y < g.height; y++) {
      const row = y * w;
      const o0 = y * g.padWidth;
      const crow = (y >> 1) * cw;
      for (let x = 0; x < gw; x++) {
        const yy = 1.164 * (d[row + x] - 16);
        const ci = crow + (x >> 1);
        const u = d[uBase + ci];
        const v = d[vBase + ci];
        out[o0 + x] = yy + UB[u];
        out[plane + o0 + x] = yy + UG[u] + VG[v];
        out[2 * plane + o0 + x] = yy + VR[v];
      }
    }
    return;
  }
  const luma = new Float32Array(gw);
  const uniform = tx.uniform && ty.uniform;
  const inv = 1 / (kx * ky);
  for (let y = 0; y < g.height; y++) {
    luma.fill(0);
    for (let j = 0; j < ky; j++) {
      const row = ty.idx[y * ky + j] * w;
      const wy = ty.w[y * ky + j];
      if (uniform) {
        for (let x = 0, t = 0; x < gw; x++) {
          let s = 0;
          for (let i = 0; i < kx; i++, t++) s += d[row + xi[t]];
          luma[x] += s * inv;
        }
        continue;
      }
      for (let x = 0, t = 0; x < gw; x++) {
        let s = 0;
        for (let i = 0; i < kx; i++, t++) s += xw[t] * d[row + xi[t]];
        luma[x] += wy * s;
      }
    }
    const o0 = y * g.padWidth;
    const crow = Math.min(chh - 1, Math.floor(((y + 0.5) * f.height) / g.height / 2)) * cw;
    for (let x = 0; x < gw; x++) {
      const yy = 1.164 * (luma[x] - 16);
      const ci = crow + ccol[x];
      const u = d[uBase + ci];
      const v = d[vBase + ci];
      // Not clamped: a few units outside 0..255 do not matter to the networks, the branches cost.
      out[o0 + x] = yy + UB[u];
      out[plane + o0 + x] = yy + UG[u] + VG[v];
      out[2 * plane + o0 + x] = yy + VR[v];
    }
  }
}

/**
 * A tensor at half the size of another (2x2 averages), for a second detector on the same frame:
 * much cheaper than resampling the frame again. Only when the halved geometry matches exactly.
 */
export function halveTensor(src: Float32Array, gs: InputGeometry, gd: InputGeometry, out?: Float32Array): Float32Array | undefined {
  if (gd.width * 2 !== gs.width || gd.height * 2 !== gs.height) return undefined;
  if (out) out.fill(0);
  else out = new Float32Array(3 * gd.padWidth * gd.padHeight);
  const ps = gs.padWidth * gs.padHeight,
    pd = gd.padWidth * gd.padHeight;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < gd.height; y++) {
      const a = c * ps + 2 * y * gs.padWidth;
      const b = a + gs.padWidth;
      const o = c * pd + y * gd.padWidth;
      for (let x = 0; x < gd.width; x++) out[o + x] = (src[a + 2 * x] + src[a + 2 * x + 1] + src[b + 2 * x] + src[b + 2 * x + 1]) * 0.25;
    }
  }
  return out;
}
