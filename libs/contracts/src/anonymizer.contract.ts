/** Requests and replies of the anonymizer service (pattern names in patterns.ts). */

/** Pixel layout of a frame sent over the transport. i420 = planar YUV 4:2:0 (yuv420p). */
export type FrameFormat = 'i420' | 'rgb' | 'bgr' | 'jpeg' | 'png';

export interface FrameMessage {
  width: number;
  height: number;
  format: FrameFormat;
  /** Base64 of the pixel data (or of the encoded image for jpeg/png). */
  data: string;
}

/** A detection in the frame's own pixel coordinates: [x1, y1, x2, y2]. */
export interface Detection {
  box: [number, number, number, number];
  score: number;
}

export interface DetectReply {
  faces: Detection[];
  plates: Detection[];
  /** Inference time on the anonymizer, milliseconds. */
  ms: number;
}

export type RedactionMethod = 'blur' | 'pixelate' | 'fill';

export interface RedactRequest {
  frame: FrameMessage;
  method?: RedactionMethod;
  /** Margin around each box as a fraction of its size. */
  padding?: number;
}

export interface RedactReply {
  frame: FrameMessage;
  faces: number;
  plates: number;
}

export interface ModelInfo {
  name: string;
  file: string;
  sha256: string;
}

export interface AnonymizerHealth {
  status: 'ok' | 'error';
  models: ModelInfo[];
  error?: string;
}
