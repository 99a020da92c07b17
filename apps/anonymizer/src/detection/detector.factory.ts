import type { BorderlensConfig } from '@borderlens/config';
import type { DetectMode, ModelInfo } from '@borderlens/contracts';
import { ModelRepository } from '../repositories/model.repository';
import { Detector, type DetectOverrides } from './detector';

/** NMS overlap of the upstream YuNet and LPD-YuNet demos. */
export const NMS_IOU = 0.3;

export interface LoadedDetector {
  detector: Detector;
  models: ModelInfo[];
}

/** Model files by role, as the configuration names them. */
export function modelFiles(cfg: BorderlensConfig): Record<string, string> {
  return { face: cfg.anonymizer.faceModel, plate: cfg.anonymizer.plateModel };
}

/** Checks the configured models against SHA256SUMS (throws ModelIntegrityError), then loads them. */
export async function verifyModels(cfg: BorderlensConfig, repo = new ModelRepository(cfg.anonymizer.modelDir)): Promise<ModelInfo[]> {
  return repo.verify(modelFiles(cfg));
}

export async function loadDetector(cfg: BorderlensConfig, models: ModelInfo[], repo = new ModelRepository(cfg.anonymizer.modelDir)): Promise<LoadedDetector> {
  const a = cfg.anonymizer;
  const [face, plate] = await Promise.all(models.map((m) => repo.load(m, { threads: a.threads, workers: a.modelWorkers })));
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
  return mode === 'live'
    ? { faceInputWidths: [cfg.anonymizer.liveFaceInputWidth], plateInputWidths: [cfg.anonymizer.livePlateInputWidth] }
    : {};
}
