import { iou } from '@borderlens/redaction';
import type { RawFrame } from '../frame';
import type { InferenceModel } from '../repositories/model.repository';
import { toBgrTensor, type InputGeometry } from './tensor';
import { decodeYolox, type ObjectDetection } from './yolox.decoder';

/** NMS overlap of the upstream YOLOX demo. */
export const YOLOX_NMS_IOU = 0.45;
/** YOLOX's letterbox padding value. */
const PAD_VALUE = 114;

export interface ObjectDetectorSettings {
  threshold: number;
  /** Longest side of the letterboxed input (multiple of 32): 640 puts a 16:9 frame in 640x384. */
  inputSize: number;
}

/**
 * Letterbox of YOLOX: scale r = min(size/w, size/h), the picture at the top-left, padded to multiples
 * of 32 (the dynamic-size model accepts any; a 16:9 frame wastes few pixels).
 */
export function letterbox(frameWidth: number, frameHeight: number, size: number): InputGeometry & { r: number } {
  const r = Math.min(size / frameWidth, size / frameHeight);
  const width = Math.max(1, Math.round(frameWidth * r));
  const height = Math.max(1, Math.round(frameHeight * r));
  return { width, height, padWidth: Math.ceil(width / 32) * 32, padHeight: Math.ceil(height / 32) * 32, r };
}

/**
 * Non-maximum suppression for counting: persons among themselves, vehicles across their classes
 * (YOLOX often reports one van as both car and truck; the best-scoring label stays).
 */
export function objectNms(dets: ObjectDetection[], iouThreshold = YOLOX_NMS_IOU): ObjectDetection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: ObjectDetection[] = [];
  for (const d of sorted) {
    const person = d.cls === 'person';
    if (kept.every((k) => (k.cls === 'person') !== person || iou(k.box, d.box) <= iouThreshold)) kept.push(d);
  }
  return kept;
}

/** Persons and vehicles (YOLOX-Nano) in a raw frame, boxes in the frame's pixels. */
export class ObjectDetector {
  constructor(
    private readonly model: InferenceModel,
    readonly settings: ObjectDetectorSettings,
  ) {}

  async detect(frame: RawFrame): Promise<ObjectDetection[]> {
    const g = letterbox(frame.width, frame.height, this.settings.inputSize);
    const t = toBgrTensor(frame, g);
    padWith(t, g, PAD_VALUE);
    const out = await this.model.run(t, g.padHeight, g.padWidth);
    const dets = objectNms(decodeYolox(out, g.padWidth, g.padHeight, this.settings.threshold));
    const clip = (v: number, max: number) => Math.round(Math.min(max, Math.max(0, v / g.r)) * 10) / 10;
    return dets
      .map((d): ObjectDetection => ({
        cls: d.cls,
        score: Math.round(d.score * 1e4) / 1e4,
        box: [clip(d.box[0], frame.width), clip(d.box[1], frame.height), clip(d.box[2], frame.width), clip(d.box[3], frame.height)],
      }))
      .filter((d) => d.box[2] > d.box[0] && d.box[3] > d.box[1]);
  }

  release(): Promise<void> {
    return this.model.release();
  }
}

/** Fills the padding (right of and below the picture) of a [1,3,H,W] tensor. */
function padWith(t: Float32Array, g: InputGeometry, v: number): void {
  const plane = g.padWidth * g.padHeight;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    if (g.padWidth > g.width) for (let y = 0; y < g.height; y++) t.fill(v, base + y * g.padWidth + g.width, base + (y + 1) * g.padWidth);
    t.fill(v, base + g.height * g.padWidth, base + plane);
  }
}
