import type { BorderlensConfig } from '@borderlens/config';
import { iou, type Box } from '@borderlens/redaction';
import { loadDetector, verifyModels } from '../../../apps/anonymizer/src/detection/detector.factory';
import type { Detector } from '../../../apps/anonymizer/src/detection/detector';
import sharp from 'sharp';
import { scaleBoxes } from '@borderlens/redaction';
import { modeOverrides } from '../../../apps/anonymizer/src/detection/detector.factory';
import type { Scene, LabelBox } from '../../../apps/media/test-tools/test-video';

/** The anonymizer's own detector (same models), to check what a browser frame still shows. */
export async function loadTestDetector(cfg: BorderlensConfig): Promise<Detector> {
  return (await loadDetector(cfg, await verifyModels(cfg))).detector;
}

/**
 * A labelled box counts as found when a detection overlaps it (IoU >= 0.3) or covers >= 70% of it
 * (eval README), the latter only for detections at most 4x its size: the plate model sometimes
 * returns frame-sized boxes on flat (pixelated) areas, which locate nothing.
 */
export function found(label: LabelBox, dets: Box[]): boolean {
  const area = (b: Box) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
  return dets.some((d) => {
    if (iou(d, label) >= 0.3) return true;
    const w = Math.min(d[2], label[2]) - Math.max(d[0], label[0]);
    const h = Math.min(d[3], label[3]) - Math.max(d[1], label[1]);
    return w > 0 && h > 0 && (w * h) / area(label) >= 0.7 && area(d) <= 4 * area(label);
  });
}

export interface FrameCheck {
  faces: { labelled: number; found: number };
  plates: { labelled: number; found: number };
}

/** How many of the labelled faces and plates the detector finds in an RGBA frame. */
export async function checkFrame(detector: Detector, rgba: Buffer, width: number, height: number, scene: Pick<Scene, 'faces' | 'plates'>): Promise<FrameCheck> {
  const d = await detector.detect({ format: 'rgba', width, height, data: rgba });
  const faces = d.faces.map((x) => x.box);
  const plates = d.plates.map((x) => x.box);
  return {
    faces: { labelled: scene.faces.length, found: scene.faces.filter((l) => found(l, faces)).length },
    plates: { labelled: scene.plates.length, found: scene.plates.filter((l) => found(l, plates)).length },
  };
}

/**
 * The labels of a scene that the live pipeline's own detection can see in the clear picture: the
 * frame scaled to the detection copy (media.detectWidth) and detected with the anonymizer's 'live'
 * input sizes. What it cannot see even there is a detector recall limit, not a media node fault;
 * tests count those separately.
 */
export async function liveVisible(detector: Detector, cfg: BorderlensConfig, scene: Scene, width: number, height: number): Promise<Pick<Scene, 'faces' | 'plates'>> {
  const w = cfg.media.detectWidth;
  const h = Math.round((height * w) / width) & ~1;
  const rgb = await sharp(scene.png).resize(w, h, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const d = await detector.detect({ format: 'rgb', width: w, height: h, data: rgb }, modeOverrides(cfg, 'live'));
  const faces = scaleBoxes(
    d.faces.map((x) => x.box),
    w,
    h,
    width,
    height,
  );
  const plates = scaleBoxes(
    d.plates.map((x) => x.box),
    w,
    h,
    width,
    height,
  );
  return { faces: scene.faces.filter((l) => found(l, faces)), plates: scene.plates.filter((l) => found(l, plates)) };
}
