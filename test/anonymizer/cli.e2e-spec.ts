import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { EVAL_DIR, runNode } from '../support/anonymizer-process';

const DETECT = 'dist/apps/anonymizer/src/cli/detect.js';
const REDACT = 'dist/apps/anonymizer/src/cli/redact.js';
const FACE_FILE = '2_Demonstration_Demonstrators_2_456.jpg';
const FACES = join(EVAL_DIR, 'faces/images', FACE_FILE);
const PLATE = join(EVAL_DIR, 'plates/images/eu_eu3.jpg');
const faceLabels = (JSON.parse(readFileSync(join(EVAL_DIR, 'faces/labels.json'), 'utf8')) as { file: string; boxes_xyxy: number[][] }[])
  .find((l) => l.file === FACE_FILE)!
  .boxes_xyxy.filter((b) => b[3] - b[1] >= 24);

/** Fine detail inside a box (mean difference of neighbouring pixels): a redacted face has little left. */
function detail(raw: Buffer, width: number, box: number[]): number {
  const [x1, y1, x2, y2] = box.map(Math.round);
  let sum = 0,
    n = 0;
  for (let y = y1; y < y2 - 1; y++) {
    for (let x = x1; x < x2 - 1; x++) {
      const i = (y * width + x) * 3 + 1;
      sum += Math.abs(raw[i] - raw[i + 3]) + Math.abs(raw[i] - raw[i + width * 3]);
      n++;
    }
  }
  return sum / n;
}

/** One frame of a video as RGB. */
function frameOf(video: string, index: number): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', video, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    maxBuffer: 1 << 26,
  });
}

function probe(video: string): { streams: { codec_type: string; codec_name: string; nb_frames?: string }[] } {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', video], { encoding: 'utf8' }));
}

describe('npm run detect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bl-detect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON line per image with boxes in its pixels, and one error line per bad file', async () => {
    const jpeg = readFileSync(PLATE);
    writeFileSync(join(dir, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    writeFileSync(join(dir, 'notes.jpg'), 'not a picture at all');
    const r = runNode(DETECT, [FACES, join(dir, 'truncated.jpg'), join(dir, 'notes.jpg'), join(dir, 'missing.png'), PLATE]);
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.file, l.width, l.height])).toEqual([
      [FACES, 416, 416],
      [PLATE, 480, 360],
    ]);
    const faces = lines[0].faces as { box: number[]; score: number }[];
    for (const label of faceLabels) {
      expect(faces.some(({ box }) => box[0] < label[2] && box[2] > label[0] && box[1] < label[3] && box[3] > label[1])).toBe(true);
    }
    expect(faces.every((f) => f.box.length === 4 && f.score > 0 && f.score <= 1)).toBe(true);
    expect(lines[1].plates.some((p: { box: number[] }) => p.box[0] < 380 && p.box[2] > 400 && p.box[1] < 200 && p.box[3] > 190)).toBe(true);
    const errors = r.stderr.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/truncated\.jpg: cannot decode JPEG/);
    expect(errors[1]).toMatch(/notes\.jpg: not a JPEG, PNG or MP4 file/);
    expect(errors[2]).toMatch(/missing\.png: no such file/);
  });

  it('refuses an image over the pixel limit', () => {
    const r = runNode(DETECT, [FACES], { ANONYMIZER_MAX_PIXELS: '100000' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('image is 416x416, larger than the 100000 pixels allowed');
  });
});

describe('npm run redact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bl-redact-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a redacted JPEG: faces lose their detail, the rest of the picture stays', async () => {
    const out = join(dir, 'out.jpg');
    const r = runNode(REDACT, ['--method', 'pixelate', FACES, out]);
    expect(r.code).toBe(0);
    const before = await sharp(FACES).raw().toBuffer();
    const after = await sharp(out).raw().toBuffer();
    expect((await sharp(out).metadata()).format).toBe('jpeg');
    for (const label of faceLabels) expect(detail(after, 416, label)).toBeLessThan(detail(before, 416, label) / 2);
    // Away from every detection (padded), only JPEG re-encoding noise.
    const found = JSON.parse(runNode(DETECT, [FACES]).stdout) as { faces: { box: number[] }[]; plates: { box: number[] }[] };
    const near = (x: number, y: number) =>
      [...found.faces, ...found.plates].some(({ box: [x1, y1, x2, y2] }) => {
        const m = 0.25 * Math.max(x2 - x1, y2 - y1) + 16;
        return x > x1 - m && x < x2 + m && y > y1 - m && y < y2 + m;
      });
    let diff = 0,
      n = 0;
    for (let y = 0; y < 416; y++)
      for (let x = 0; x < 416; x++) {
        if (near(x, y)) continue;
        n++;
        for (let c = 0; c < 3; c++) diff += Math.abs(before[(y * 416 + x) * 3 + c] - after[(y * 416 + x) * 3 + c]) / 3;
      }
    expect(n).toBeGreaterThan(20_000);
    expect(diff / n).toBeLessThan(3);
  });

  it('writes PNG when asked by the output name, and blur and fill work too', async () => {
    for (const method of ['blur', 'fill']) {
      const out = join(dir, `out-${method}.png`);
      expect(runNode(REDACT, ['--method', method, PLATE, out]).code).toBe(0);
      expect((await sharp(out).metadata()).format).toBe('png');
    }
  });

  it('redacts an MP4 video: H.264, faststart, no audio by default, faces hidden on every frame', async () => {
    const input = join(dir, 'in.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-loop',
      '1',
      '-framerate',
      '10',
      '-i',
      FACES,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=16000',
      '-t',
      '1.5',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      '-y',
      input,
    ]);
    const out = join(dir, 'out.mp4');
    const r = runNode(REDACT, [input, out]);
    expect(r.stderr).toMatch(/in\.mp4 -> .*out\.mp4: \d+ faces, \d+ plates over 15 frames/);
    expect(r.code).toBe(0);
    const p = probe(out);
    expect(p.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['video', 'h264']]);
    expect(Number(p.streams[0].nb_frames)).toBe(15);
    const bytes = readFileSync(out);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    const source = frameOf(input, 0);
    for (const index of [0, 1, 7, 14]) {
      const frame = frameOf(out, index);
      for (const label of faceLabels) expect(detail(frame, 416, label)).toBeLessThan(detail(source, 416, label) / 2);
    }
    const withAudio = join(dir, 'audio.mp4');
    expect(runNode(REDACT, ['--keep-audio', input, withAudio]).code).toBe(0);
    expect(
      probe(withAudio)
        .streams.map((s) => s.codec_type)
        .sort(),
    ).toEqual(['audio', 'video']);
  });

  it('fails on a truncated video and leaves no output behind; other pairs are still written', () => {
    const input = join(dir, 'cut.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', join(dir, 'whole.mp4')]);
    const whole = readFileSync(join(dir, 'whole.mp4'));
    writeFileSync(input, whole.subarray(0, whole.length >> 1));
    const sub = mkdtempSync(join(dir, 'outs-'));
    const r = runNode(REDACT, [input, join(sub, 'cut-out.mp4'), PLATE, join(sub, 'plate.jpg')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cut\.mp4: .+/);
    expect(readdirSync(sub)).toEqual(['plate.jpg']);
    expect(existsSync(join(sub, 'cut-out.mp4'))).toBe(false);
  });

  it('explains its usage', () => {
    const r = spawnSync(process.execPath, [REDACT, 'only-one-arg'], { cwd: join(__dirname, '../..'), encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: npm run -s redact --');
  });
});
