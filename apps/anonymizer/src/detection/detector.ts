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

  /** Faces and plates of a frame; the two models (and several input sizes) run side by side. */
  async detect(frame: RawFrame, overrides: DetectOverrides = {}): Promise<Detections> {
    const tensors = new TensorCache(frame);
    // Every input is made before any model runs: a run hands its input over (to a worker thread),
    // and the plate input is often made from the face input.
    const faceInputs = (overrides.faceInputWidths ?? this.settings.faceInputWidths).map((w) => tensors.input(w));
    const plateInputs = (overrides.plateInputWidths ?? this.settings.plateInputWidths).map((w) => tensors.input(w));
    const [faces, plates] = await Promise.all([Promise.all(faceInputs.map((i) => this.faces(frame, i))), Promise.all(plateInputs.map((i) => this.plates(frame, i)))]);
    return {
      faces: nms(faces.flat(), this.settings.nmsThreshold),
      plates: nms(plates.flat(), this.settings.nmsThreshold),
    };
  }

  async release(): Promise<void> {
    await Promise.all([this.face.release(), this.plate.release()]);
  }

  private async faces(frame: RawFrame, { g, t }: ModelInput): Promise<Detection[]> {
    const out = await this.face.run(t, g.padHeight, g.padWidth);
    return toFrame(decodeYunet(out, g.padWidth, g.padHeight, this.settings.faceThreshold), g, frame, this.settings.nmsThreshold);
  }

  private async plates(frame: RawFrame, { g, t }: ModelInput): Promise<Detection[]> {
    const key = `${g.padWidth}x${g.padHeight}`;
    let priors = this.priors.get(key);
    if (!priors) this.priors.set(key, (priors = lpdPriors(g.padWidth, g.padHeight)));
    const out = await this.plate.run(t, g.padHeight, g.padWidth);
    return toFrame(decodeLpdYunet(out, priors, this.settings.plateThreshold), g, frame, this.settings.nmsThreshold);
  }
}

interface ModelInput {
  g: InputGeometry;
  t: Float32Array;
}

/** Detector inputs of one frame, so a half-size input is made from a full one instead of the frame. */
class TensorCache {
  private readonly made: ModelInput[] = [];
  private readonly given = new Set<Float32Array>();

  constructor(private readonly frame: RawFrame) {}

  /** The input for a model at `inputWidth`; each call gets an array of its own (runs take theirs over). */
  input(inputWidth: number): ModelInput {
    const g = inputGeometry(this.frame.width, this.frame.height, inputWidth);
    let t = this.made.find((m) => m.g.width === g.width && m.g.height === g.height && m.g.padWidth === g.padWidth && m.g.padHeight === g.padHeight)?.t;
    if (!t) {
      for (const m of this.made) if ((t = halveTensor(m.t, m.g, g))) break;
      t ??= toBgrTensor(this.frame, g);
      this.made.push({ g, t });
    }
    if (this.given.has(t)) return { g, t: t.slice() };
    this.given.add(t);
    return { g, t };
  }
}

/** Input pixels to frame pixels, clipped to the frame; NMS runs per scale first to keep it cheap. */
function toFrame(dets: Detection[], g: InputGeometry, frame: RawFrame, nmsThreshold: number): Detection[] {
  const kept = nms(dets, nmsThreshold);
  const boxes = scaleBoxes(
    kept.map((d) => d.box),
    g.width,
    g.height,
    frame.width,
    frame.height,
  );
  return kept
    .map((d, i): Detection => {
      const [x1, y1, x2, y2] = boxes[i];
      return {
        box: [clip(x1, frame.width), clip(y1, frame.height), clip(x2, frame.width), clip(y2, frame.height)],
        score: Math.round(d.score * 1e4) / 1e4,
      };
    })
    .filter((d) => d.box[2] > d.box[0] && d.box[3] > d.box[1]);
}

function clip(v: number, max: number): number {
  return Math.round(Math.min(max, Math.max(0, v)) * 10) / 10;
}
