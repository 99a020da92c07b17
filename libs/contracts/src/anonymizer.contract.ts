/** Requests and replies of the anonymizer service (pattern names in patterns.ts). */

/** Pixel layout of a frame sent over the transport. i420 = planar YUV 4:2:0 (yuv420p). */
export type FrameFormat = 'i420' | 'rgb' | 'bgr' | 'jpeg' | 'png';

export interface FrameMessage {
  width: number;
  height: number;
  format: FrameFormat;
  /**
   * The pixel data (or the encoded image for jpeg/png): bytes between the apps (they travel as bytes,
   * binary-packet.ts), or base64 text.
   */
  data: string | Uint8Array;
}

/** A detection in the frame's own pixel coordinates: [x1, y1, x2, y2]. */
export interface Detection {
  box: [number, number, number, number];
  score: number;
}

/**
 * How a frame is detected: 'still' (photos, video files; larger inputs, best recall) or 'live'
 * (frames of live video; smaller inputs sized for the frame budget). Default 'still'.
 */
export type DetectMode = 'still' | 'live';

/** Detect request: the frame itself (so a plain FrameMessage is a valid request) and its mode. */
export interface DetectRequest extends FrameMessage {
  mode?: DetectMode;
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
  mode?: DetectMode;
}

/** The redacted frame, in the format it came in (base64); never sent when detection failed (fail closed). */
export interface RedactReply {
  frame: FrameMessage & { data: string };
  faces: number;
  plates: number;
}

export interface ModelInfo {
  name: string;
  file: string;
  sha256: string;
}

export interface AnonymizerHealth {
  /** 'error' when the models did not load or the latest inference failed: detect and redact then fail. */
  status: 'ok' | 'error';
  models: ModelInfo[];
  error?: string;
  /** Which instance answered (host and process id): several may serve the same queue. */
  instance?: string;
  /** Frames detected and failed since start. */
  frames?: number;
  failures?: number;
}

/** Error codes the anonymizer returns (as RpcException {code, message}). */
export type AnonymizerErrorCode = 'bad_request' | 'unavailable' | 'inference_failed';

const isBox = (d: unknown): boolean => {
  const x = d as Detection | null;
  return !!x && typeof x === 'object' && Array.isArray(x.box) && x.box.length === 4 && x.box.every(Number.isFinite) && Number.isFinite(x.score);
};

/**
 * Whether a detect reply has the shape of one: `faces` and `plates` arrays of boxes. A reply without
 * them ("nothing found" by omission) is a failed detection, not an empty one: the live gate masks.
 */
export function isDetectReply(reply: unknown): reply is DetectReply {
  const r = reply as DetectReply | null;
  return !!r && typeof r === 'object' && Array.isArray(r.faces) && Array.isArray(r.plates) && r.faces.every(isBox) && r.plates.every(isBox);
}
