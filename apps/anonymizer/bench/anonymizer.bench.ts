/**
 * npm run bench:anonymizer (after npm run build), from the repository root.
 *
 * Measures on ../shared/eval (ANONYMIZER_EVAL_DIR overrides): face recall (faces >= 16 px high and
 * all faces), plate recall (European, US), detections per image; detection and redaction time per
 * frame at 640x360, 1280x720, 1920x1080 on 1 and 2 threads; and the amortized CPU cost per frame of
 * live 720p25 anonymization (detection every Nth frame on a 640x360 copy, tracking, redaction in
 * place). Prints the figures and ends with `RESULT {json}`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { BoxTracker, boxArea, intersection, redactI420, scaleBoxes, type Box, type RedactionMethod } from '@borderlens/redaction';
import type { DetectMode } from '@borderlens/contracts';
import { loadDetector, loadObjectDetector, modeOverrides, verifyModels } from '../src/detection/detector.factory';
import type { ObjectDetector } from '../src/detection/object-detector';
import type { Detector } from '../src/detection/detector';
import type { RawFrame } from '../src/frame';
import { FfmpegRepository } from '../src/repositories/ffmpeg.repository';
import { VideoRedactor } from '../src/video/video-redactor';
import { faceSet, loadRgb, plateSet, Recall } from './eval-set';

const EVAL_DIR = resolve(process.env.ANONYMIZER_EVAL_DIR ?? '../shared/eval');
const SIZES: [number, number][] = [
  [640, 360],
  [1280, 720],
  [1920, 1080],
];
const METHODS: RedactionMethod[] = ['pixelate', 'blur', 'fill'];
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const log = (s: string) => process.stdout.write(s + '\n');

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

async function withDetector<T>(cfg: BorderlensConfig, threads: number, fn: (d: Detector) => Promise<T>): Promise<T> {
  const c = { ...cfg, anonymizer: { ...cfg.anonymizer, threads } };
  const { detector } = await loadDetector(c, await verifyModels(c));
  try {
    return await fn(detector);
  } finally {
    await detector.release();
  }
}

async function faceRecall(d: Detector) {
  const r16 = new Recall(),
    all = new Recall();
  let detections = 0;
  const images = faceSet(EVAL_DIR);
  for (const img of images) {
    const { faces } = await d.detect(await loadRgb(img.path), { plateInputWidths: [] });
    const boxes = faces.map((f) => f.box);
    detections += boxes.length;
    all.add(img.faces, boxes);
    r16.add(
      img.faces.filter((b) => b[3] - b[1] >= 16),
      boxes,
    );
  }
  return { recall16: round(r16.value, 3), recallAll: round(all.value, 3), faces16: r16.total, faces: all.total, perImage: round(detections / images.length, 1) };
}

/**
 * Experiment (issue 14): the head region of each detected person whose upper part holds no detected
 * face: the top of the box, as tall as the box is wide (at most a quarter of its height), the middle
 * 60% of its width.
 */
function headBoxes(faces: Box[], persons: Box[]): Box[] {
  const heads: Box[] = [];
  for (const [x1, y1, x2, y2] of persons) {
    const w = x2 - x1,
      h = y2 - y1;
    const head: Box = [x1 + 0.2 * w, y1, x2 - 0.2 * w, y1 + Math.min(0.6 * w, 0.25 * h)];
    if (!faces.some((f) => intersection(f, head) >= 0.5 * boxArea(f))) heads.push(head);
  }
  return heads;
}

/** Face recall with and without the head regions of persons; the share of the picture each covers. */
async function headCoverRecall(d: Detector, objects: ObjectDetector) {
  const faces16 = new Recall(),
    withHeads16 = new Recall();
  let faceArea = 0,
    headArea = 0,
    imageArea = 0,
    heads = 0,
    headsOnFace = 0;
  for (const img of faceSet(EVAL_DIR)) {
    const frame = await loadRgb(img.path);
    const faces = (await d.detect(frame, { plateInputWidths: [] })).faces.map((f) => f.box);
    const persons = (await objects.detect(frame)).filter((o) => o.cls === 'person').map((o) => o.box);
    const added = headBoxes(faces, persons);
    const labels = img.faces.filter((b) => b[3] - b[1] >= 16);
    faces16.add(labels, faces);
    withHeads16.add(labels, [...faces, ...added]);
    heads += added.length;
    headsOnFace += added.filter((hb) => img.faces.some((l) => intersection(l, hb) >= 0.5 * boxArea(l))).length;
    imageArea += frame.width * frame.height;
    faceArea += faces.reduce((a, b) => a + boxArea(b), 0);
    headArea += added.reduce((a, b) => a + boxArea(b), 0);
  }
  return {
    recall16: round(faces16.value, 3),
    recall16WithHeads: round(withHeads16.value, 3),
    headsAdded: heads,
    headsOnLabelledFace: round(heads ? headsOnFace / heads : 0, 3),
    faceAreaShare: round(faceArea / imageArea, 4),
    headAreaShare: round(headArea / imageArea, 4),
  };
}

async function plateRecall(d: Detector, cfg: BorderlensConfig, mode: DetectMode) {
  const eu = new Recall(),
    us = new Recall();
  let detections = 0;
  const images = plateSet(EVAL_DIR);
  for (const img of images) {
    const o = modeOverrides(cfg, mode);
    const { plates } = await d.detect(await loadRgb(img.path), { faceInputWidths: [], plateInputWidths: o.plateInputWidths });
    detections += plates.length;
    (img.country === 'eu' ? eu : us).add(
      img.plates,
      plates.map((p) => p.box),
    );
  }
  return { eu: round(eu.value, 3), us: round(us.value, 3), euPlates: eu.total, usPlates: us.total, perImage: round(detections / images.length, 2) };
}

/** A street-like test picture: a crowd (faces) beside a car (plate), as raw RGB of width x height. */
async function scene(width: number, height: number): Promise<Buffer> {
  const faces = faceSet(EVAL_DIR).find((f) => f.file.startsWith('2_Demonstration_Demonstrators_2_456'))!;
  const plate = plateSet(EVAL_DIR).find((p) => p.file === 'eu_eu3.jpg')!;
  const half = Math.round(width / 2);
  const left = await sharp(faces.path).resize(half, height, { fit: 'cover' }).toBuffer();
  const right = await sharp(plate.path)
    .resize(width - half, height, { fit: 'cover' })
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#000' } })
    .composite([
      { input: left, left: 0, top: 0 },
      { input: right, left: half, top: 0 },
    ])
    .removeAlpha()
    .raw()
    .toBuffer();
}

async function i420Scene(width: number, height: number): Promise<RawFrame> {
  const rgb = await scene(width, height);
  const cw = width >> 1,
    ch = height >> 1;
  const out = new Uint8Array(width * height + 2 * cw * ch);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[y * width + x] = 16 + 0.257 * rgb[i] + 0.504 * rgb[i + 1] + 0.098 * rgb[i + 2];
      if (!(x & 1) && !(y & 1)) {
        const c = (y >> 1) * cw + (x >> 1);
        out[width * height + c] = 128 - 0.148 * rgb[i] - 0.291 * rgb[i + 1] + 0.439 * rgb[i + 2];
        out[width * height + cw * ch + c] = 128 + 0.439 * rgb[i] - 0.368 * rgb[i + 1] - 0.071 * rgb[i + 2];
      }
    }
  return { format: 'i420', width, height, data: out };
}

/** 2x2 average of an I420 frame: the downscaled copy the media node sends for live detection. */
function halveI420(f: RawFrame): RawFrame {
  const w = f.width >> 1,
    h = f.height >> 1;
  const out = new Uint8Array(w * h + 2 * (w >> 1) * (h >> 1));
  const planes: [number, number, number, number, number][] = [
    [0, f.width, 0, w, h],
    [f.width * f.height, f.width >> 1, w * h, w >> 1, h >> 1],
    [f.width * f.height + (f.width >> 1) * (f.height >> 1), f.width >> 1, w * h + (w >> 1) * (h >> 1), w >> 1, h >> 1],
  ];
  for (const [src, sw, dst, dw, dh] of planes) {
    for (let y = 0; y < dh; y++)
      for (let x = 0; x < dw; x++) {
        const i = src + 2 * y * sw + 2 * x;
        out[dst + y * dw + x] = (f.data[i] + f.data[i + 1] + f.data[i + sw] + f.data[i + sw + 1] + 2) >> 2;
      }
  }
  return { format: 'i420', width: w, height: h, data: out };
}

async function timeDetection(d: Detector, cfg: BorderlensConfig, frame: RawFrame, mode: DetectMode, runs: number) {
  const o = modeOverrides(cfg, mode);
  await d.detect(frame, o);
  let boxes: Box[] = [];
  const t = performance.now(),
    c = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const r = await d.detect(frame, o);
    boxes = [...r.faces, ...r.plates].map((x) => x.box);
  }
  return { wallMs: round((performance.now() - t) / runs, 1), cpuMs: round(cpuMs(c) / runs, 1), boxes };
}

function timeRedaction(frame: RawFrame, boxes: Box[], method: RedactionMethod, padding: number): number {
  const work = new Uint8Array(frame.data.length);
  const runs = 200;
  let total = 0;
  for (let i = 0; i < runs + 20; i++) {
    work.set(frame.data);
    const t = performance.now();
    redactI420(work, frame.width, frame.height, boxes, { method, padding });
    if (i >= 20) total += performance.now() - t;
  }
  return round(total / runs, 3);
}

/**
 * Live 720p25: every frame is tracked and redacted in place; every Nth frame is halved to 640x360
 * and sent through live detection. The picture pans by 4 px per frame so boxes have to follow.
 */
async function live720(d: Detector, cfg: BorderlensConfig, base: RawFrame, frames: number) {
  const { detectEvery, method, padding } = cfg.anonymizer;
  const tracker = new BoxTracker({ detectEvery });
  const o = modeOverrides(cfg, 'live');
  const work = new Uint8Array(base.data.length);
  let cpu = 0,
    wall = 0,
    detections = 0,
    boxesSum = 0;
  const w = base.width,
    h = base.height;
  for (let n = 0; n < frames; n++) {
    // Pan: shift luma and chroma rows (not timed: this stands for the decoder's new frame).
    const shift = (n * 4) % 256;
    for (let y = 0; y < h; y++) work.set(base.data.subarray(y * w + shift, y * w + w), y * w);
    const cw = w >> 1,
      c0 = w * h;
    for (let y = 0; y < h; y++) work.set(base.data.subarray(c0 + y * cw + (shift >> 1), c0 + y * cw + cw), c0 + y * cw);
    const frame: RawFrame = { format: 'i420', width: w, height: h, data: work };
    const c = process.cpuUsage(),
      t = performance.now();
    if (tracker.shouldDetect(n)) {
      tracker.detecting(n);
      const small = halveI420(frame);
      const r = await d.detect(small, o);
      tracker.update(
        n,
        scaleBoxes(
          [...r.faces, ...r.plates].map((x) => x.box),
          small.width,
          small.height,
          w,
          h,
        ),
      );
      detections++;
    }
    const boxes = tracker.boxesFor(n) ?? [];
    boxesSum += boxes.length;
    redactI420(work, w, h, boxes, { method, padding });
    cpu += cpuMs(c);
    wall += performance.now() - t;
  }
  return {
    detectEvery,
    frames,
    detections,
    boxesPerFrame: round(boxesSum / frames, 1),
    cpuMsPerFrame: round(cpu / frames),
    wallMsPerFrame: round(wall / frames),
    targetCpuMsPerFrame: 15,
  };
}

/**
 * The live simulation three times: the median is the figure, the best run shows the cost with the
 * least interference from other processes on the machine.
 */
async function liveRuns(d: Detector, cfg: BorderlensConfig, base: RawFrame) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await live720(d, cfg, base, 150));
  runs.sort((x, y) => x.cpuMsPerFrame - y.cpuMsPerFrame);
  return { ...runs[1], cpuMsPerFrameBest: runs[0].cpuMsPerFrame, runs: runs.length };
}

/**
 * File redaction of a 10 s 720p25 video (the eval scene drifting 2 px a frame): wall time as a multiple
 * of real time, and this process's CPU per frame (ffmpeg's decode and encode run in their own processes).
 */
async function videoRun(d: Detector, cfg: BorderlensConfig) {
  const dir = mkdtempSync(join(tmpdir(), 'bl-anon-video-'));
  try {
    const base = await i420Scene(1280, 720);
    const input = join(dir, 'in.mp4');
    const enc = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'yuv420p',
        '-s',
        '1280x720',
        '-r',
        '25',
        '-i',
        'pipe:0',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        '-y',
        input,
      ],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    const w = 1280,
      h = 720,
      frames = 250;
    for (let n = 0; n < frames; n++) {
      const f = Buffer.from(base.data);
      const shift = (2 * n) % 64;
      for (let y = 0; y < h; y++) f.copyWithin(y * w + shift, y * w, y * w + w - shift);
      if (!enc.stdin!.write(f)) await new Promise((r) => enc.stdin!.once('drain', r));
    }
    enc.stdin!.end();
    await new Promise((r) => enc.on('close', r));
    const redactor = new VideoRedactor(new FfmpegRepository(), d);
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const r = await redactor.redact(input, join(dir, `out${i}.mp4`), {
        redact: { method: cfg.anonymizer.method, padding: cfg.anonymizer.padding },
        detectEvery: cfg.anonymizer.detectEvery,
        keepAudio: false,
        maxPixels: cfg.anonymizer.maxPixels,
      });
      const wall = performance.now() - t0;
      runs.push({
        frames: r.frames,
        detections: r.detections,
        faces: r.faces,
        plates: r.plates,
        xRealTime: round(r.frames / 25 / (wall / 1000)),
        cpuMsPerFrame: round(cpuMs(cpu) / r.frames),
      });
    }
    runs.sort((x, y) => x.xRealTime - y.xRealTime);
    return { ...runs[1], xRealTimeBest: runs[2].xRealTime, runs: runs.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  const a = cfg.anonymizer;
  log(
    `anonymizer benchmark: models ${a.faceModel}, ${a.plateModel}; face threshold ${a.faceThreshold} at ${a.faceInputWidth} px, plate threshold ${a.plateThreshold} at ${a.plateInputWidth} px (live ${a.liveFaceInputWidth}/${a.livePlateInputWidth} px), detect every ${a.detectEvery} frames; eval ${EVAL_DIR}`,
  );

  if (process.argv.includes('--live')) {
    // Quick check of the live cost alone (no recall, no per-size timings, no RESULT line).
    const frame = await i420Scene(1280, 720);
    const r = await withDetector(cfg, a.threads, (d) => liveRuns(d, cfg, frame));
    log(
      `live 720p25 (${a.threads} thread(s), detect every ${r.detectEvery}): ${r.cpuMsPerFrame} ms CPU per frame (median of ${r.runs}, best ${r.cpuMsPerFrameBest}), ${r.wallMsPerFrame} ms wall`,
    );
    return;
  }
  if (process.argv.includes('--video')) {
    // Quick check of file redaction alone (VideoRedactor: decode, detect, redact, encode); ends with RESULT.
    const r = await withDetector(cfg, a.threads, (d) => videoRun(d, cfg));
    log(
      `video 720p25 file (${r.frames} frames, detect every ${a.detectEvery}): ${r.xRealTime}x real time, ${r.cpuMsPerFrame} ms CPU per frame in this process, ${r.detections} detections, ${r.faces} faces`,
    );
    log(`RESULT ${JSON.stringify({ video720p25: r })}`);
    return;
  }

  const recall = await withDetector(cfg, a.threads, async (d) => {
    const faces = await faceRecall(d);
    log(`faces: recall ${faces.recall16} (>= 16 px, ${faces.faces16} faces), ${faces.recallAll} (all ${faces.faces}); ${faces.perImage} detections per image`);
    const plates = await plateRecall(d, cfg, 'still');
    log(`plates: recall EU ${plates.eu} (${plates.euPlates}), US ${plates.us} (${plates.usPlates}); ${plates.perImage} detections per image`);
    const livePlates = await plateRecall(d, cfg, 'live');
    log(`plates at the live input width (${a.livePlateInputWidth} px): recall EU ${livePlates.eu}, US ${livePlates.us}`);
    const objects = (await loadObjectDetector(cfg, await verifyModels(cfg)))!;
    const heads = await headCoverRecall(d, objects).finally(() => objects.release());
    log(
      `experiment, head regions of persons without a detected face: recall (>= 16 px) ${heads.recall16} -> ${heads.recall16WithHeads}; ${heads.headsAdded} head boxes added, ${heads.headsOnLabelledFace} of them on a labelled face; picture covered ${heads.faceAreaShare} by faces, ${heads.headAreaShare} more by heads`,
    );
    return { faces, plates, livePlates, heads };
  });

  const scenes = await Promise.all(SIZES.map(([w, h]) => i420Scene(w, h)));
  const detectMs: Record<string, Record<string, { wallMs: number; cpuMs: number }>> = {};
  const redactMs: Record<string, Record<RedactionMethod, number>> = {};
  let liveResult: Record<string, unknown> = {};
  const liveByThreads: Record<string, { cpuMsPerFrame: number; cpuMsPerFrameBest: number; wallMsPerFrame: number }> = {};
  for (const threads of [1, 2]) {
    await withDetector(cfg, threads, async (d) => {
      for (const frame of scenes) {
        const key = `${frame.width}x${frame.height}`;
        for (const mode of ['still', 'live'] as DetectMode[]) {
          const r = await timeDetection(d, cfg, frame, mode, mode === 'still' ? 5 : 10);
          (detectMs[`${mode}/${threads}t`] ??= {})[key] = { wallMs: r.wallMs, cpuMs: r.cpuMs };
          log(`detect ${mode.padEnd(5)} ${key.padEnd(9)} ${threads} thread${threads > 1 ? 's' : ' '}: ${r.wallMs} ms wall, ${r.cpuMs} ms CPU (${r.boxes.length} boxes)`);
          if (threads === 1 && mode === 'still') {
            redactMs[key] = Object.fromEntries(METHODS.map((m) => [m, timeRedaction(frame, r.boxes, m, a.padding)])) as Record<RedactionMethod, number>;
            log(`redact ${key.padEnd(9)} ${r.boxes.length} boxes: ${METHODS.map((m) => `${m} ${redactMs[key][m]} ms`).join(', ')}`);
          }
        }
      }
      const r = await liveRuns(d, cfg, scenes[1]);
      liveByThreads[`${threads}t`] = { cpuMsPerFrame: r.cpuMsPerFrame, cpuMsPerFrameBest: r.cpuMsPerFrameBest, wallMsPerFrame: r.wallMsPerFrame };
      if (threads === a.threads) liveResult = { ...r, threads };
      log(
        `live 720p25 (${threads} thread${threads > 1 ? 's' : ''}, detect every ${r.detectEvery}): ${r.cpuMsPerFrame} ms CPU per frame (median of ${r.runs} runs; best ${r.cpuMsPerFrameBest}; target <= 15), ${r.wallMsPerFrame} ms wall, ${r.boxesPerFrame} boxes per frame`,
      );
    });
  }

  const result = {
    faceRecall16: recall.faces.recall16,
    faceRecallAll: recall.faces.recallAll,
    facesPerImage: recall.faces.perImage,
    plateRecallEu: recall.plates.eu,
    plateRecallUs: recall.plates.us,
    platesPerImage: recall.plates.perImage,
    livePlateRecallEu: recall.livePlates.eu,
    livePlateRecallUs: recall.livePlates.us,
    headCoverExperiment: recall.heads,
    detectMs,
    redactMs,
    live720p25: { ...liveResult, byThreads: liveByThreads },
    settings: {
      faceThreshold: a.faceThreshold,
      plateThreshold: a.plateThreshold,
      faceInputWidth: a.faceInputWidth,
      plateInputWidth: a.plateInputWidth,
      liveFaceInputWidth: a.liveFaceInputWidth,
      livePlateInputWidth: a.livePlateInputWidth,
      detectEvery: a.detectEvery,
      threads: a.threads,
      method: a.method,
    },
  };
  log(`RESULT ${JSON.stringify(result)}`);
}

main().catch((e) => {
  process.stderr.write(`benchmark failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
