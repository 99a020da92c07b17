import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestVideo, EVAL_DIR } from '../../media/test-tools/test-video';

export interface DemoVideo {
  file: string;
  source: 'eval' | 'test-pattern';
}

/**
 * The demo cameras' video, made once into `dir`: 1280x720 H.264 baseline, 25 fps, a keyframe every
 * second (what the media node expects from a camera), played in a loop, built from ../shared/eval's faces and plates
 * where that folder exists, else a generated test pattern with a clock.
 */
export async function demoVideo(dir: string): Promise<DemoVideo> {
  const file = join(dir, 'demo.mp4');
  const source = existsSync(join(EVAL_DIR, 'faces/labels.json')) ? 'eval' : 'test-pattern';
  if (existsSync(file)) return { file, source };
  const tmp = join(dir, 'build');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // Still scenes cost little beyond the keyframes; CRF 30 keeps the demo's recording near 0.4 Mbit/s.
  const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-profile:v', 'baseline', '-g', '25', '-bf', '0', '-pix_fmt', 'yuv420p'];
  const part = join(tmp, 'demo.mp4');
  if (source === 'eval') {
    const v = await buildTestVideo(tmp, { minutes: 0.2 });
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', v.file, '-tune', 'stillimage', ...encode, part]);
  } else {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=20', ...encode, part]);
  }
  renameSync(part, file);
  rmSync(tmp, { recursive: true, force: true });
  return { file, source };
}
