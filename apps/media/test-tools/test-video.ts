import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

/** ../shared/eval from the repository root (the same from src and from dist). */
export const EVAL_DIR = process.env.BORDERLENS_EVAL_DIR || resolve(__dirname.replace(/\/dist\/.*$/, '').replace(/\/apps\/media\/test-tools$/, ''), '../shared/eval');

export type LabelBox = [number, number, number, number];

export interface Scene {
  /** Seconds into the video where the scene starts and ends. */
  from: number;
  to: number;
  faces: LabelBox[];
  plates: LabelBox[];
  /** 64x36 grey thumbnail, to tell which scene a captured frame shows. */
  thumb: Buffer;
  /** The scene as a PNG. */
  png: string;
}

export interface TestVideo {
  file: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  scenes: Scene[];
}

const FACE_FILES = [
  '9_Press_Conference_Press_Conference_9_332.jpg',
  '1_Handshaking_Handshaking_1_465.jpg',
  '9_Press_Conference_Press_Conference_9_344.jpg',
  '9_Press_Conference_Press_Conference_9_196.jpg',
  '4_Dancing_Dancing_4_922.jpg',
];
const PLATE_FILES = ['eu_eu1.jpg', 'eu_eu5.jpg', 'eu_test_003.jpg', 'eu_test_027.jpg', 'eu_test_089.jpg'];

/**
 * A 1280x720 H.264 video (baseline, 25 fps, keyframe every second) of real faces and licence plates
 * from ../shared/eval: each 2-second scene shows one face image on the left and one street image
 * with a plate on the right. Returns where the labelled faces (>= 16 px) and plates are.
 */
export async function buildTestVideo(dir: string, opts: { sceneSec?: number; width?: number; height?: number; minutes?: number } = {}): Promise<TestVideo> {
  const W = opts.width ?? 1280;
  const H = opts.height ?? 720;
  const sceneSec = opts.sceneSec ?? 2;
  const half = W / 2;
  const faceLabels = JSON.parse(readFileSync(join(EVAL_DIR, 'faces/labels.json'), 'utf8')) as { file: string; size: [number, number]; boxes_xyxy: LabelBox[] }[];
  const plateLabels = JSON.parse(readFileSync(join(EVAL_DIR, 'plates/labels.json'), 'utf8')) as { file: string; box_xywh: [number, number, number, number] }[];
  const scenes: Scene[] = [];
  for (let i = 0; i < FACE_FILES.length; i++) {
    const fl = faceLabels.find((l) => l.file === FACE_FILES[i])!;
    const pl = plateLabels.find((l) => l.file === PLATE_FILES[i])!;
    const side = Math.min(half, H);
    const face = await sharp(join(EVAL_DIR, 'faces/images', fl.file))
      .resize(side, side, { fit: 'fill' })
      .toBuffer();
    const fs = side / fl.size[0];
    const plateImg = sharp(join(EVAL_DIR, 'plates/images', pl.file));
    const meta = await plateImg.metadata();
    const ps = Math.min(half / meta.width!, H / meta.height!);
    const pw = Math.round(meta.width! * ps);
    const ph = Math.round(meta.height! * ps);
    const plate = await plateImg.resize(pw, ph).toBuffer();
    const fy = Math.round((H - side) / 2);
    const px = half + Math.round((half - pw) / 2);
    const py = Math.round((H - ph) / 2);
    const png = join(dir, `scene${String(i).padStart(2, '0')}.png`);
    await sharp({ create: { width: W, height: H, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .composite([
        { input: face, left: 0, top: fy },
        { input: plate, left: px, top: py },
      ])
      .png()
      .toFile(png);
    const thumb = await sharp(png).resize(64, 36, { fit: 'fill' }).greyscale().raw().toBuffer();
    const [bx, by, bw, bh] = pl.box_xywh;
    scenes.push({
      from: i * sceneSec,
      to: (i + 1) * sceneSec,
      faces: fl.boxes_xyxy.filter((b) => (b[3] - b[1]) * fs >= 16).map((b) => [b[0] * fs, b[1] * fs + fy, b[2] * fs, b[3] * fs + fy]),
      plates: [[px + bx * ps, py + by * ps, px + (bx + bw) * ps, py + (by + bh) * ps]],
      thumb,
      png,
    });
  }
  const cycle = join(dir, 'cycle.mp4');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-framerate',
    `1/${sceneSec}`,
    '-i',
    join(dir, 'scene%02d.png'),
    '-vf',
    'fps=25,format=yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'baseline',
    '-g',
    '25',
    '-bf',
    '0',
    '-t',
    String(scenes.length * sceneSec),
    cycle,
  ]);
  // The camera simulator plays a file once: repeat the cycle (stream copy) for as long as needed.
  const repeat = Math.ceil(((opts.minutes ?? 10) * 60) / (scenes.length * sceneSec));
  const file = join(dir, 'test-video.mp4');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', String(repeat - 1), '-i', cycle, '-c', 'copy', file]);
  return { file, width: W, height: H, fps: 25, seconds: repeat * scenes.length * sceneSec, scenes };
}

/** The scene a captured RGBA frame shows (mean absolute difference of thumbnails), or null when none is close (e.g. masked). */
export async function whichScene(video: TestVideo, rgba: Buffer, width: number, height: number, maxDiff = 25): Promise<{ scene: Scene | null; diff: number }> {
  const t = await sharp(rgba, { raw: { width, height, channels: 4 } })
    .resize(64, 36, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer();
  let best: Scene | null = null;
  let bestDiff = Infinity;
  for (const s of video.scenes) {
    let sum = 0;
    for (let i = 0; i < t.length; i++) sum += Math.abs(t[i] - s.thumb[i]);
    const d = sum / t.length;
    if (d < bestDiff) [best, bestDiff] = [s, d];
  }
  return { scene: bestDiff <= maxDiff ? best : null, diff: bestDiff };
}

/** True when a captured frame is the fail-closed mask: almost all of it one dark grey. */
export function isMasked(rgba: Buffer): boolean {
  let grey = 0;
  const n = rgba.length / 4;
  for (let i = 0; i < rgba.length; i += 4) {
    const [r, g, b] = [rgba[i], rgba[i + 1], rgba[i + 2]];
    if (Math.abs(r - g) < 12 && Math.abs(g - b) < 12 && r > 20 && r < 60) grey++;
  }
  return grey / n > 0.9;
}
