import type { Box } from '@borderlens/redaction';

/** One detected face or plate: box in the pixels of the image the caller passed, and score 0..1. */
export interface Detection {
  box: Box;
  score: number;
}

export interface Detections {
  faces: Detection[];
  plates: Detection[];
}

/** The model outputs a decoder reads, by output name. */
export type OutputTensors = Record<string, { data: Float32Array | ArrayLike<number>; dims: readonly number[] }>;
