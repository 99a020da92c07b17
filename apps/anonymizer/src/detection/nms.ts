import { iou } from '@borderlens/redaction';
import type { Detection } from './detection.types';

/**
 * Greedy non-maximum suppression: keeps the best-scoring box of every group overlapping by more than
 * `iouThreshold`. At most `topK` candidates (best first) are considered, so a low threshold stays cheap.
 */
export function nms(dets: Detection[], iouThreshold: number, topK = 5000): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score).slice(0, topK);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.every((k) => iou(k.box, d.box) <= iouThreshold)) kept.push(d);
  }
  return kept;
}
