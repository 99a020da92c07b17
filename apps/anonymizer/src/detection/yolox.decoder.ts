import type { AnalyticsClass } from '@borderlens/contracts';
import type { Box } from '@borderlens/redaction';
import type { OutputTensors } from './detection.types';

export const YOLOX_STRIDES = [8, 16, 32] as const;

/** COCO class ids (0-based) of what analytics counts; every other class is ignored. */
export const YOLOX_CLASSES: ReadonlyMap<number, AnalyticsClass> = new Map([
  [0, 'person'],
  [1, 'bicycle'],
  [2, 'car'],
  [3, 'motorcycle'],
  [5, 'bus'],
  [7, 'truck'],
]);

/** A person or vehicle, box in the pixels of the picture given to the detector. */
export interface ObjectDetection {
  box: Box;
  score: number;
  cls: AnalyticsClass;
}

/**
 * Decodes YOLOX's output `output` [1, N, 85] for an input of inputWidth x inputHeight (multiples of
 * 32): rows ordered stride 8, 16, 32, row-major within a stride; row = [tx, ty, tw, th, obj, 80 class
 * scores], obj and class scores already sigmoid-activated. Centre = (t + grid) * stride, size =
 * exp(t) * stride, in input pixels; score = obj * best class score among the counted classes.
 * Before non-maximum suppression.
 */
export function decodeYolox(out: OutputTensors, inputWidth: number, inputHeight: number, threshold: number): ObjectDetection[] {
  const t = out.output ?? Object.values(out)[0];
  if (!t) throw new Error('YOLOX output is missing');
  const cells = YOLOX_STRIDES.reduce((n, s) => n + Math.floor(inputWidth / s) * Math.floor(inputHeight / s), 0);
  const rowLen = t.dims[t.dims.length - 1];
  if (rowLen !== 85 || t.data.length !== cells * 85) {
    throw new Error(`YOLOX output has dims [${t.dims.join(',')}], expected [1,${cells},85] for ${inputWidth}x${inputHeight}`);
  }
  const d = t.data;
  const dets: ObjectDetection[] = [];
  let row = 0;
  for (const stride of YOLOX_STRIDES) {
    const cols = Math.floor(inputWidth / stride);
    const rows = Math.floor(inputHeight / stride);
    for (let gy = 0; gy < rows; gy++) {
      for (let gx = 0; gx < cols; gx++, row++) {
        const o = row * 85;
        const obj = d[o + 4];
        // Cheap rejection first: no class score can lift obj * cls above obj.
        if (!(obj >= threshold)) continue;
        let best = 0;
        let bestCls: AnalyticsClass | undefined;
        for (const [id, cls] of YOLOX_CLASSES) {
          const s = d[o + 5 + id];
          if (s > best) {
            best = s;
            bestCls = cls;
          }
        }
        const score = obj * best;
        if (!bestCls || !(score >= threshold)) continue;
        const cx = (d[o] + gx) * stride;
        const cy = (d[o + 1] + gy) * stride;
        const w = Math.exp(d[o + 2]) * stride;
        const h = Math.exp(d[o + 3]) * stride;
        dets.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, cls: bestCls });
      }
    }
  }
  return dets;
}
