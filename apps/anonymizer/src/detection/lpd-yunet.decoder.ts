import type { Detection, OutputTensors } from './detection.types';
import { clamp01 } from './yunet.decoder';

const MIN_SIZES = [
  [10, 16, 24],
  [32, 48],
  [64, 96],
  [128, 192, 256],
];
const STEPS = [8, 16, 32, 64];
const VARIANCE = 0.1;

/**
 * LPD-YuNet priors for an input of width x height, in the model's order: feature maps at steps
 * 8/16/32/64 (sizes halved from the input as the network does, rounding down), rows, columns, then
 * each min size. Each prior is [cx, cy, w, h] in input pixels.
 */
export function lpdPriors(width: number, height: number): Float32Array {
  let fh = Math.floor(Math.floor((height + 1) / 2) / 2);
  let fw = Math.floor(Math.floor((width + 1) / 2) / 2);
  const maps: [number, number][] = [];
  for (let k = 0; k < 4; k++) {
    fh = Math.floor(fh / 2);
    fw = Math.floor(fw / 2);
    maps.push([fh, fw]);
  }
  const count = maps.reduce((n, [h, w], k) => n + h * w * MIN_SIZES[k].length, 0);
  const priors = new Float32Array(count * 4);
  let p = 0;
  maps.forEach(([h, w], k) => {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (const size of MIN_SIZES[k]) {
          priors[p++] = (j + 0.5) * STEPS[k];
          priors[p++] = (i + 0.5) * STEPS[k];
          priors[p++] = size;
          priors[p++] = size;
        }
      }
    }
  });
  return priors;
}

/**
 * Decodes LPD-YuNet outputs (loc [N,14], conf [N,2], iou [N,1]): score = sqrt(conf[1] * clamp(iou));
 * the four plate corners are prior centre + loc[4:6|6:8|10:12|12:14] * 0.1 * prior size; the box is
 * their bounding box, in input pixels, before non-maximum suppression.
 */
export function decodeLpdYunet(out: OutputTensors, priors: Float32Array, threshold: number): Detection[] {
  const loc = out.loc?.data;
  const conf = out.conf?.data;
  const iouT = out.iou?.data;
  if (!loc || !conf || !iouT) throw new Error('LPD-YuNet output loc/conf/iou is missing');
  const n = priors.length / 4;
  if (loc.length !== n * 14 || conf.length !== n * 2 || iouT.length !== n) {
    throw new Error(`LPD-YuNet output has ${iouT.length} priors, expected ${n}`);
  }
  const dets: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const score = Math.sqrt(clamp01(conf[i * 2 + 1]) * clamp01(iouT[i]));
    if (!(score >= threshold)) continue;
    const cx = priors[i * 4],
      cy = priors[i * 4 + 1],
      pw = priors[i * 4 + 2],
      ph = priors[i * 4 + 3];
    let x1 = Infinity,
      y1 = Infinity,
      x2 = -Infinity,
      y2 = -Infinity;
    for (const o of [4, 6, 10, 12]) {
      const x = cx + loc[i * 14 + o] * VARIANCE * pw;
      const y = cy + loc[i * 14 + o + 1] * VARIANCE * ph;
      if (x < x1) x1 = x;
      if (x > x2) x2 = x;
      if (y < y1) y1 = y;
      if (y > y2) y2 = y;
    }
    dets.push({ box: [x1, y1, x2, y2], score });
  }
  return dets;
}
