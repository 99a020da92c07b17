import { scaleBoxes } from '@borderlens/redaction';
import type { RawFrame } from '../frame';
import type { InferenceModel } from '../repositories/model.repository';
import type { Detection, Detections } from './detection.types';
import { decodeLpdYunet, lpdPriors } from './lpd-yunet.decoder';
import { nms } from './nms';
import { halveTensor, inputGeometry, InputGeometry, toBgrTensor } from './tensor';
import { decodeYunet } from './yunet.decoder';

export interface DetectorSettings {
  faceThreshold: number;
  plateThreshold: number;
  /** Widths the frame is scaled to for face detection; more than one runs several scales, merged by NMS. */
  faceInputWidths: number[];
  plateInputWidths: number[];
  nmsThreshold: number;
}

/** Per-call overrides, e.g. smaller inputs for live video. */
export type DetectOverrides = Partial<Pick<DetectorSettings, 'faceInputWidths' | 'plateInputWidths'>>;

/** Faces (YuNet) and licence plates (LPD-YuNet) in a raw frame, boxes in the frame's pixels. */
export class Detector {
  private readonly priors = new Map<string, Float32Array>();

  constructor(
    private readonly face: InferenceModel,
    private readonly plate: InferenceModel,
    readonly settings: DetectorSettings,
  ) {}

  async detect(frame: RawFrame, overrides: DetectOverrides = {}): Promise<Detections> {
    const faceWidths = overrides.faceInputWidths ?? this.settings.faceInputWidths;
    const plateWidths = overrides.plateInputWidths ?? this.settings.plateInputWidths;
    const tensors = new TensorCache(frame);
    const faces: Detection[] = [];
    for (const w of faceWidths) faces.push(...(await this.detectFaces(frame, w, tensors)));
    const plates: Detection[] = [];
    for (const w of plateWidths) plates.push(...(await this.detectPlates(frame, w, tensors)));
    return {
      faces: nms(faces, this.settings.nmsThreshold),
      plates: nms(plates, this.settings.nmsThreshold),
    };
  }

  async release(): Promise<void> {
    await Promise.all([this.face.release(), this.plate.release()]);
  }

  async detectFaces(frame: RawFrame, inputWidth: number, tensors = new TensorCache(frame)): Promise<Detection[]> {
    const g = inputGeometry(frame.width, frame.height, inputWidth);
    const out = await this.face.run(tensors.get(g), g.padHeight, g.padWidth);
    return toFrame(decodeYunet(out, g.padWidth, g.padHeight, this.settings.faceThreshold), g, frame, this.settings.nmsThreshold);
  }

  async detectPlates(frame: RawFrame, inputWidth: number, tensors = new TensorCache(frame)): Promise<Detection[]> {
    const g = inputGeometry(frame.width, frame.height, inputWidth);
    const key = `${g.padWidth}x${g.padHeight}`;
    let priors = this.priors.get(key);
    if (!priors) this.priors.set(key, (priors = lpdPriors(g.padWidth, g.padHeight)));
    const out = await this.plate.run(tensors.get(g), g.padHeight, g.padWidth);
    return toFrame(decodeLpdYunet(out, priors, this.settings.plateThreshold), g, frame, this.settings.nmsThreshold);
  }
}

/** Detector inputs of one frame, so a half-size input is made from a full one instead of the frame. */
class TensorCache {
  private readonly made: { g: InputGeometry; t: Float32Array }[] = [];

  constructor(private readonly frame: RawFrame) {}

  get(g: InputGeometry): Float32Array {
    const same = this.made.find((m) => m.g.width === g.width && m.g.height === g.height && m.g.padWidth === g.padWidth && m.g.padHeight === g.padHeight);
    if (same) return same.t;
    let t: Float32Array | undefined;
    for (const m of this.made) if ((t = halveTensor(m.t, m.g, g))) break;
    t ??= toBgrTensor(this.frame, g);
    this.made.push({ g, t });
    return t;
  }
}

/** Input pixels to frame pixels, clipped to the frame; NMS runs per scale first to keep it cheap. */
function toFrame(dets: Detection[], g: InputGeometry, frame: RawFrame, nmsThreshold: number): Detection[] {
  const kept = nms(dets, nmsThreshold);
  const boxes = scaleBoxes(kept.map((d) => d.box), g.width, g.height, frame.width, frame.height);
  return kept.map((d, i): Detection => {
    const [x1, y1, x2, y2] = boxes[i];
    return {
      box: [clip(x1, frame.width), clip(y1, frame.height), clip(x2, frame.width), clip(y2, frame.height)],
      score: Math.round(d.score * 1e4) / 1e4,
    };
  }).filter((d) => d.box[2] > d.box[0] && d.box[3] > d.box[1]);
}

function clip(v: number, max: number): number {
  return Math.round(Math.min(max, Math.max(0, v)) * 10) / 10;
}
