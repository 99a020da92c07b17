import type { Detection, OutputTensors } from './detection.types';

export const YUNET_STRIDES = [8, 16, 32] as const;

/**
 * Decodes YuNet's anchor-free outputs for an input of inputWidth x inputHeight (multiples of 32): one
 * prediction per grid cell at strides 8, 16 and 32; score = sqrt(cls * obj) (both clamped to 0..1);
 * centre = (col + dx, row + dy) * stride; size = exp(dw, dh) * stride. Boxes are in input pixels,
 * before non-maximum suppression.
 */
export function decodeYunet(out: OutputTensors, inputWidth: number, inputHeight: number, threshold: number): Detection[] {
  const dets: Detection[] = [];
  for (const stride of YUNET_STRIDES) {
    const cols = Math.floor(inputWidth / stride);
    const rows = Math.floor(inputHeight / stride);
    const cls = out[`cls_${stride}`]?.data;
    const obj = out[`obj_${stride}`]?.data;
    const bbox = out[`bbox_${stride}`]?.data;
    if (!cls || !obj || !bbox) throw new Error(`YuNet output for stride ${stride} is missing`);
    if (cls.length !== rows * cols || obj.length !== rows * cols || bbox.length !== rows * cols * 4) {
      throw new Error(`YuNet output for stride ${stride} has ${cls.length} cells, expected ${rows * cols} for ${inputWidth}x${inputHeight}`);
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const score = Math.sqrt(clamp01(cls[i]) * clamp01(obj[i]));
        if (!(score >= threshold)) continue;
        const cx = (c + bbox[i * 4]) * stride;
        const cy = (r + bbox[i * 4 + 1]) * stride;
        const w = Math.exp(bbox[i * 4 + 2]) * stride;
        const h = Math.exp(bbox[i * 4 + 3]) * stride;
        dets.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score });
      }
    }
  }
  return dets;
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
