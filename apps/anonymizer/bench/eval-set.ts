import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Box, boxArea, intersection, iou } from '@borderlens/redaction';
import type { RawFrame } from '../src/frame';

/**
 * The labelled evaluation images in ../shared/eval (see its README.md): WIDER FACE faces and
 * openalpr plates. Read by path, never copied into the repository.
 */
export interface LabelledImage {
  file: string;
  path: string;
  faces: Box[];
  plates: Box[];
  country?: 'eu' | 'us';
}

export function faceSet(evalDir: string): LabelledImage[] {
  const labels = JSON.parse(readFileSync(join(evalDir, 'faces/labels.json'), 'utf8')) as { file: string; boxes_xyxy: Box[] }[];
  return labels.map((l) => ({ file: l.file, path: join(evalDir, 'faces/images', l.file), faces: l.boxes_xyxy, plates: [] }));
}

export function plateSet(evalDir: string): LabelledImage[] {
  const labels = JSON.parse(readFileSync(join(evalDir, 'plates/labels.json'), 'utf8')) as { file: string; country: 'eu' | 'us'; box_xywh: [number, number, number, number] }[];
  return labels.map((l) => {
    const [x, y, w, h] = l.box_xywh;
    return { file: l.file, path: join(evalDir, 'plates/images', l.file), faces: [], plates: [[x, y, x + w, y + h]], country: l.country };
  });
}

/** A label is covered when a detection overlaps it with IoU >= 0.3 or covers at least 70% of it. */
export function isCovered(label: Box, detections: Box[]): boolean {
  return detections.some((d) => iou(d, label) >= 0.3 || intersection(d, label) >= 0.7 * boxArea(label));
}

export async function loadRgb(path: string): Promise<RawFrame> {
  const { data, info } = await sharp(path).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { format: 'rgb', width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export class Recall {
  covered = 0;
  total = 0;
  add(labels: Box[], detections: Box[]): void {
    for (const l of labels) {
      this.total++;
      if (isCovered(l, detections)) this.covered++;
    }
  }
  get value(): number {
    return this.total ? this.covered / this.total : NaN;
  }
}

/** A label lies inside a detection when at least 80% of its area does (a face inside a person box, a plate inside a vehicle box). */
export function isInside(label: Box, detections: Box[]): boolean {
  return detections.some((d) => intersection(d, label) >= 0.8 * boxArea(label));
}
