import { resolve } from 'node:path';
import sharp from 'sharp';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { faceSet, plateSet, type LabelledImage } from '../../bench/eval-set';
import type { RawFrame } from '../frame';

/** ../shared from the repository root (tests use the shared models and evaluation data by path). */
export const REPO_ROOT = resolve(__dirname, '../../../..');
export const SHARED = resolve(REPO_ROOT, '../shared');
export const EVAL_DIR = resolve(SHARED, 'eval');
export const MODEL_DIR = resolve(SHARED, 'models');

/** Defaults, with the model directory pointed at ../shared/models whatever the working directory. */
export function testConfig(env: NodeJS.ProcessEnv = {}): BorderlensConfig {
  return loadConfig({ ANONYMIZER_MODEL_DIR: MODEL_DIR, ...env }, undefined);
}

export function evalImage(file: string): LabelledImage {
  const found = [...faceSet(EVAL_DIR), ...plateSet(EVAL_DIR)].find((l) => l.file === file);
  if (!found) throw new Error(`${file} is not in ${EVAL_DIR}`);
  return found;
}

/** RGB -> I420 (BT.601 limited range), as a video decoder would hand frames over. */
export function rgbToI420(f: RawFrame): RawFrame {
  const { width: w, height: h, data } = f;
  const cw = (w + 1) >> 1,
    ch = (h + 1) >> 1;
  const out = new Uint8Array(w * h + 2 * cw * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      out[y * w + x] = Math.round(16 + 0.257 * data[i] + 0.504 * data[i + 1] + 0.098 * data[i + 2]);
    }
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = (Math.min(h - 1, 2 * y) * w + Math.min(w - 1, 2 * x)) * 3;
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      out[w * h + y * cw + x] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      out[w * h + cw * ch + y * cw + x] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return { format: 'i420', width: w, height: h, data: out };
}

export async function pngOf(path: string): Promise<Buffer> {
  return sharp(path).png().toBuffer();
}
