import type { BorderlensConfig } from '@borderlens/config';
import type { DetectMode, ModelInfo } from '@borderlens/contracts';
import { ModelRepository } from '../repositories/model.repository';
import { Detector, type DetectOverrides } from './detector';
import { ObjectDetector } from './object-detector';

/** NMS overlap of the upstream YuNet and LPD-YuNet demos. */
export const NMS_IOU = 0.3;

export interface LoadedDetector {
  detector: Detector;
  models: ModelInfo[];
}

/** Model files by role, as the configuration names them. */
export function modelFiles(cfg: BorderlensConfig): Record<string, string> {
  return {
    face: cfg.anonymizer.faceModel,
    plate: cfg.anonymizer.plateModel,
    ...(cfg.anonymizer.objectModel ? { object: cfg.anonymizer.objectModel } : {}),
  };
}

/** Checks the configured models against SHA256SUMS (throws ModelIntegrityError), then loads them. */
export async function verifyModels(cfg: BorderlensConfig, repo = ModelRepository.fromConfig(cfg)): Promise<ModelInfo[]> {
  return repo.verify(modelFiles(cfg));
}

export async function loadDetector(cfg: BorderlensConfig, models: ModelInfo[], repo = ModelRepository.fromConfig(cfg)): Promise<LoadedDetector> {
  const a = cfg.anonymizer;
  const [face, plate] = await Promise.all(['face', 'plate'].map((name) => repo.load(model(models, name), { threads: a.threads, workers: a.modelWorkers })));
  const detector = new Detector(face, plate, {
    faceThreshold: a.faceThreshold,
    plateThreshold: a.plateThreshold,
    faceInputWidths: [a.faceInputWidth],
    plateInputWidths: [a.plateInputWidth],
    nmsThreshold: NMS_IOU,
  });
  return { detector, models };
}

/** Input sizes of a detection mode: 'live' uses the smaller live widths. */
export function modeOverrides(cfg: BorderlensConfig, mode: DetectMode = 'still'): DetectOverrides {
  return mode === 'live' ? { faceInputWidths: [cfg.anonymizer.liveFaceInputWidth], plateInputWidths: [cfg.anonymizer.livePlateInputWidth] } : {};
}

/** The analytics detector (persons and vehicles), when the configuration names an object model. */
export async function loadObjectDetector(cfg: BorderlensConfig, models: ModelInfo[], repo = ModelRepository.fromConfig(cfg)): Promise<ObjectDetector | undefined> {
  const a = cfg.anonymizer;
  if (!a.objectModel) return undefined;
  const m = await repo.load(model(models, 'object'), { threads: a.threads, workers: a.modelWorkers });
  return new ObjectDetector(m, { threshold: a.objectThreshold, inputSize: a.objectInputSize });
}

function model(models: ModelInfo[], name: string): ModelInfo {
  const m = models.find((i) => i.name === name);
  if (!m) throw new Error(`${name} model was not verified`);
  return m;
}
