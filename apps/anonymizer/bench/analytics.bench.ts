/**
 * npm run bench:analytics (after npm run build), from the repository root.
 *
 * Measures the analytics path (docs/anonymizer.md, "Analytics"):
 *  - CPU per analysed frame by stage: the media node's sampling decoder (ffmpeg decodes every frame
 *    of a 720p25 H.264 stream and scales 2 of them per second to 640x360), the transport (base64 of
 *    the sample and back), the detector input (letterbox), YOLOX-Nano inference (1 thread), decoding,
 *    NMS, tracking and counting; and from these how many cameras one core analyses at 2 frames per
 *    second of 720p;
 *  - person detection: the share of labelled faces >= 24 px of ../shared/eval/faces lying inside a
 *    detected person box; vehicle detection: the share of labelled plates of ../shared/eval/plates
 *    inside a detected vehicle box;
 *  - counting: a video built here, at 2 samples per second, in which known numbers of persons and
 *    vehicles (cut from the evaluation images) cross a line both ways and stand in a zone; the
 *    error of the crossing counts and of the zone occupancy.
 * Prints the figures and ends with `RESULT {json}`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { loadConfig } from '@borderlens/config';
import { pointInPolygon, type AnalyticsCamera, type Point } from '@borderlens/contracts';
import { iou, type Box } from '@borderlens/redaction';
import { SAMPLE_DECODE_OPTIONS, sampleArgs } from '@borderlens/media';
import { CameraCounter } from '../src/analytics/counter';
import { loadObjectDetector, verifyModels } from '../src/detection/detector.factory';
import { letterbox, objectNms, type ObjectDetector } from '../src/detection/object-detector';
import { toBgrTensor } from '../src/detection/tensor';
import { decodeYolox, type ObjectDetection } from '../src/detection/yolox.decoder';
import type { RawFrame } from '../src/frame';
import { ModelRepository } from '../src/repositories/model.repository';
import { faceSet, isInside, loadRgb, plateSet } from './eval-set';

/** The input YOLOX-Nano was trained at: the counting scene's cut-outs are the ones it sees there. */
const REFERENCE_INPUT = 640;
const EVAL_DIR = resolve(process.env.ANONYMIZER_EVAL_DIR ?? '../shared/eval');
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const log = (s: string) => process.stdout.write(s + '\n');

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

function toI420(rgb: RawFrame): RawFrame {
  const { width: w, height: h, data } = rgb;
  const cw = w >> 1,
    ch = h >> 1;
  const out = new Uint8Array(w * h + 2 * cw * ch);
  for (let i = 0, p = 0; i < w * h; i++, p += 3) out[i] = (16 + 0.257 * data[p] + 0.504 * data[p + 1] + 0.098 * data[p + 2]) | 0;
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++) {
      const p = (2 * y * w + 2 * x) * 3;
      out[w * h + y * cw + x] = (128 - 0.148 * data[p] - 0.291 * data[p + 1] + 0.439 * data[p + 2]) | 0;
      out[w * h + cw * ch + y * cw + x] = (128 + 0.439 * data[p] - 0.368 * data[p + 1] - 0.071 * data[p + 2]) | 0;
    }
  return { format: 'i420', width: w, height: h, data: out };
}

/** ffmpeg's own CPU (user + system, -benchmark) for sampling a 720p25 stream of `seconds`, per second of video. */
function samplingDecoderMsPerSecond(dir: string, seconds = 20): number {
  const file = join(dir, 'cam720p.mp4');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=1280x720:rate=25:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'baseline',
    '-g',
    '25',
    '-b:v',
    '2500k',
    '-pix_fmt',
    'yuv420p',
    '-y',
    file,
  ]);
  const args = sampleArgs({ fps: 2, width: 640, height: 360 });
  // Same filters and output as the media node, reading the file instead of the FLV pipe.
  const vf = args[args.indexOf('-vf') + 1];
  const run = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-benchmark',
      '-thread_type',
      'slice',
      '-threads',
      '1',
      ...SAMPLE_DECODE_OPTIONS,
      '-i',
      file,
      '-an',
      '-vf',
      vf,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-y',
      '/dev/null',
    ],
    { encoding: 'utf8' },
  );
  const m = /utime=([\d.]+)s stime=([\d.]+)s/.exec(run.stdout + run.stderr);
  if (!m) throw new Error(`no ffmpeg -benchmark figures in: ${run.stderr}`);
  return ((Number(m[1]) + Number(m[2])) * 1000) / seconds;
}

async function stageCosts(detector: ObjectDetector, model: Awaited<ReturnType<ModelRepository['load']>>, frames: RawFrame[]) {
  const camera: AnalyticsCamera = {
    cameraId: 'bench',
    revision: 1,
    zones: [
      {
        id: 'z',
        name: 'z',
        polygon: [
          [0.5, 0.1],
          [0.95, 0.1],
          [0.95, 0.95],
          [0.5, 0.95],
        ],
      },
    ],
    lines: [{ id: 'l', name: 'l', a: [0.5, 0.95], b: [0.5, 0.05] }],
  };
  const totals = { transport: 0, tensor: 0, inference: 0, decodeNms: 0, trackCount: 0 };
  let state: unknown;
  const rounds = 3;
  for (let r = 0; r < rounds; r++) {
    for (const f of frames) {
      let t = process.cpuUsage();
      // What travels: base64 in a JSON message, and back to bytes on the anonymizer.
      const msg = JSON.stringify({ frame: { width: f.width, height: f.height, format: 'i420', data: Buffer.from(f.data).toString('base64') } });
      const back = Buffer.from(JSON.parse(msg).frame.data, 'base64');
      totals.transport += cpuMs(t);
      const frame: RawFrame = { ...f, data: new Uint8Array(back.buffer, back.byteOffset, back.length) };
      t = process.cpuUsage();
      const g = letterbox(frame.width, frame.height, detector.settings.inputSize);
      const input = toBgrTensor(frame, g);
      totals.tensor += cpuMs(t);
      t = process.cpuUsage();
      const out = await model.run(input, g.padHeight, g.padWidth);
      totals.inference += cpuMs(t);
      t = process.cpuUsage();
      const dets = objectNms(decodeYolox(out, g.padWidth, g.padHeight, detector.settings.threshold));
      totals.decodeNms += cpuMs(t);
      t = process.cpuUsage();
      const counter = new CameraCounter(camera, state);
      counter.sample(
        Date.now(),
        dets.map((d) => ({ cls: d.cls, box: [d.box[0] / g.r / frame.width, d.box[1] / g.r / frame.height, d.box[2] / g.r / frame.width, d.box[3] / g.r / frame.height] as Box })),
      );
      state = JSON.parse(JSON.stringify(counter.snapshot()));
      totals.trackCount += cpuMs(t);
    }
  }
  const n = frames.length * rounds;
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, round(v / n, 2)])) as typeof totals;
}

async function personShare(detector: ObjectDetector) {
  let inside = 0,
    total = 0;
  for (const img of faceSet(EVAL_DIR)) {
    const faces = img.faces.filter((b) => b[3] - b[1] >= 24);
    if (!faces.length) continue;
    const persons = (await detector.detect(await loadRgb(img.path))).filter((o) => o.cls === 'person').map((o) => o.box);
    total += faces.length;
    inside += faces.filter((f) => isInside(f, persons)).length;
  }
  return { share: round(inside / total, 3), faces: total };
}

async function vehicleShare(detector: ObjectDetector) {
  const by = { eu: { inside: 0, total: 0 }, us: { inside: 0, total: 0 } };
  for (const img of plateSet(EVAL_DIR)) {
    const vehicles = (await detector.detect(await loadRgb(img.path))).filter((o) => o.cls !== 'person').map((o) => o.box);
    const b = by[img.country ?? 'us'];
    b.total++;
    if (isInside(img.plates[0], vehicles)) b.inside++;
  }
  const all = (by.eu.inside + by.us.inside) / (by.eu.total + by.us.total);
  return { share: round(all, 3), eu: round(by.eu.inside / by.eu.total, 3), us: round(by.us.inside / by.us.total, 3), plates: by.eu.total + by.us.total };
}

interface Sprite {
  png: Buffer;
  w: number;
  h: number;
  vehicle: boolean;
}

/** Persons and vehicles cut from the evaluation images: well-detected, unoverlapped objects, scaled to a street size. */
async function sprites(detector: ObjectDetector): Promise<{ persons: Sprite[]; vehicles: Sprite[]; rejected: number }> {
  const persons: Sprite[] = [],
    vehicles: Sprite[] = [];
  const cut = async (path: string, box: Box, height: number, vehicle: boolean) => {
    const [x1, y1, x2, y2] = box.map(Math.round);
    const h = height,
      w = Math.round(((x2 - x1) * height) / (y2 - y1));
    const png = await sharp(path)
      .extract({ left: x1, top: y1, width: x2 - x1, height: y2 - y1 })
      .resize(w, h, { fit: 'fill' })
      .png()
      .toBuffer();
    return { png, w, h, vehicle };
  };
  const alone = (o: ObjectDetection, all: ObjectDetection[]) =>
    all.every((p) => p === o || p.box[2] < o.box[0] || p.box[0] > o.box[2] || p.box[3] < o.box[1] || p.box[1] > o.box[3]);
  for (const img of faceSet(EVAL_DIR)) {
    if (persons.length >= 12) break;
    const all = await detector.detect(await loadRgb(img.path));
    for (const o of all) {
      const h = o.box[3] - o.box[1],
        w = o.box[2] - o.box[0];
      if (o.cls === 'person' && o.score > 0.7 && h >= 120 && h / w > 1.6 && alone(o, all) && persons.length < 12) persons.push(await cut(img.path, o.box, 200, false));
    }
  }
  for (const img of plateSet(EVAL_DIR)) {
    if (vehicles.length >= 12) break;
    const all = await detector.detect(await loadRgb(img.path));
    for (const o of all) {
      const w = o.box[2] - o.box[0];
      if (o.cls === 'car' && o.score > 0.7 && w >= 200 && alone(o, all) && vehicles.length < 12) vehicles.push(await cut(img.path, o.box, 140, true));
    }
  }
  // Keep the cut-outs the detector sees on their own at the scene's scale: the counting figure then
  // measures tracking and counting in motion; how many persons and vehicles the detector finds is
  // measured above on the labelled images.
  const seen = async (sp: Sprite) => {
    const W = 1280,
      H = 720,
      left = Math.round((W - sp.w) / 2),
      top = 600 - sp.h;
    const { data } = await sharp({ create: { width: W, height: H, channels: 3, background: { r: 118, g: 124, b: 112 } } })
      .composite([{ input: sp.png, left, top }])
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const small = await sharp(data, { raw: { width: W, height: H, channels: 3 } })
      .resize(640, 360)
      .raw()
      .toBuffer();
    const dets = await detector.detect(toI420({ format: 'rgb', width: 640, height: 360, data: new Uint8Array(small.buffer, small.byteOffset, small.length) }));
    const truth: Box = [left / 2, top / 2, (left + sp.w) / 2, (top + sp.h) / 2];
    return dets.some((d) => (d.cls !== 'person') === sp.vehicle && iou(d.box, truth) >= 0.5);
  };
  const keep = async (list: Sprite[]) => {
    const out: Sprite[] = [];
    for (const sp of list) if (await seen(sp)) out.push(sp);
    return out;
  };
  const kept = { persons: await keep(persons), vehicles: await keep(vehicles) };
  return { ...kept, rejected: persons.length + vehicles.length - kept.persons.length - kept.vehicles.length };
}

interface Walker {
  sprite: Sprite;
  /** Sample at which it enters, samples it takes to cross, and its lane (bottom y). */
  start: number;
  steps: number;
  y: number;
  forward: boolean;
}

/**
 * The counting scene, 1280x720 at 2 samples per second: a vertical line in the middle (forward =
 * left to right); persons and vehicles crossing it each way one after another in lanes; persons
 * standing in a zone on the right for known spans. Detections are counted by the real detector,
 * tracker and counter, and compared with what the scene holds.
 */
async function counting(detector: ObjectDetector, s: { persons: Sprite[]; vehicles: Sprite[] }) {
  const W = 1280,
    H = 720;
  const camera: AnalyticsCamera = {
    cameraId: 'count',
    revision: 1,
    lines: [{ id: 'middle', name: 'middle', a: [0.5, 0.98], b: [0.5, 0.02] }],
    zones: [
      {
        id: 'stand',
        name: 'stand',
        polygon: [
          [0.66, 0.05],
          [0.99, 0.05],
          [0.99, 0.45],
          [0.66, 0.45],
        ],
      },
    ],
  };
  const walkers: Walker[] = [];
  const lanesP = [420, 560],
    lanesV = [700];
  let k = 0;
  for (let i = 0; i < 16; i++) {
    const sprite = s.persons[i % s.persons.length];
    walkers.push({ sprite, start: i * 6, steps: 14, y: lanesP[i % 2], forward: i % 3 !== 2 });
  }
  for (let i = 0; i < 10; i++) {
    const sprite = s.vehicles[i % s.vehicles.length];
    walkers.push({ sprite, start: 3 + i * 9, steps: 8, y: lanesV[0], forward: i % 2 === 0 });
    k++;
  }
  // Standing persons in the zone: spans of samples.
  const standers = [
    { sprite: s.persons[1 % s.persons.length], x: 900, y: 300, from: 0, to: 80 },
    { sprite: s.persons[3 % s.persons.length], x: 1060, y: 310, from: 20, to: 110 },
    { sprite: s.persons[5 % s.persons.length], x: 1180, y: 290, from: 40, to: 120 },
  ];
  const samples = 120;
  const bg = await sharp({ create: { width: W, height: H, channels: 3, background: { r: 118, g: 124, b: 112 } } })
    .png()
    .toBuffer();
  const counter = new CameraCounter(camera);
  let occTruth = 0,
    occAbsErr = 0;
  let last: ReturnType<CameraCounter['sample']> | undefined;
  const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
  for (let i = 0; i < samples; i++) {
    const layers: OverlayOptions[] = [];
    for (const w of walkers) {
      const p = (i - w.start) / w.steps;
      if (p < 0 || p > 1) continue;
      const span = W + w.sprite.w;
      const x = w.forward ? -w.sprite.w + p * span : W - p * span;
      const left = Math.round(x),
        top = w.y - w.sprite.h;
      if (left < 0 || left + w.sprite.w > W) continue;
      layers.push({ input: w.sprite.png, left, top });
    }
    let inZone = 0;
    for (const st of standers) {
      if (i < st.from || i >= st.to) continue;
      layers.push({ input: st.sprite.png, left: Math.round(st.x - st.sprite.w / 2), top: st.y - st.sprite.h });
      if (pointInPolygon([st.x / W, st.y / H] as Point, camera.zones[0].polygon)) inZone++;
    }
    const { data } = await sharp(bg).composite(layers).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    // The media node's copy: 640x360 I420.
    const small = await sharp(data, { raw: { width: W, height: H, channels: 3 } })
      .resize(640, 360)
      .raw()
      .toBuffer();
    const frame = toI420({ format: 'rgb', width: 640, height: 360, data: new Uint8Array(small.buffer, small.byteOffset, small.length) });
    const dets = await detector.detect(frame);
    last = counter.sample(
      t0 + i * 500,
      dets.map((d) => ({ cls: d.cls, box: [d.box[0] / 640, d.box[1] / 360, d.box[2] / 640, d.box[3] / 360] as Box })),
    );
    const counted = last.live.zones.filter((z) => z.targetId === 'stand' && z.cls === 'person').reduce((n, z) => n + z.count, 0);
    occTruth += inZone;
    occAbsErr += Math.abs(counted - inZone);
  }
  void k;
  // Truth: walkers that fully crossed within the samples.
  const truth = { personForward: 0, personBackward: 0, vehicleForward: 0, vehicleBackward: 0 };
  for (const w of walkers) {
    if (w.start + w.steps >= samples) continue;
    const key = `${w.sprite.vehicle ? 'vehicle' : 'person'}${w.forward ? 'Forward' : 'Backward'}` as keyof typeof truth;
    truth[key]++;
  }
  const counted = { personForward: 0, personBackward: 0, vehicleForward: 0, vehicleBackward: 0 };
  for (const c of last!.live.crossings) {
    const key = `${c.cls === 'person' ? 'person' : 'vehicle'}${c.direction === 'forward' ? 'Forward' : 'Backward'}` as keyof typeof counted;
    counted[key] += c.count;
  }
  const truthTotal = Object.values(truth).reduce((a, b) => a + b, 0);
  const errAbs = (Object.keys(truth) as (keyof typeof truth)[]).reduce((n, key) => n + Math.abs(counted[key] - truth[key]), 0);
  return {
    truth,
    counted,
    crossingError: round(errAbs / truthTotal, 3),
    occupancyError: round(occAbsErr / occTruth, 3),
    occupancyMeanTruth: round(occTruth / samples, 2),
    samples,
  };
}

async function main(): Promise<void> {
  const cfg = loadConfig(
    {
      ANONYMIZER_MODEL_DIR: process.env.ANONYMIZER_MODEL_DIR || resolve('../shared/models'),
      ANONYMIZER_MODEL_WORKERS: '0',
      ANONYMIZER_THREADS: '1',
      ...(process.env.ANONYMIZER_OBJECT_INPUT_SIZE ? { ANONYMIZER_OBJECT_INPUT_SIZE: process.env.ANONYMIZER_OBJECT_INPUT_SIZE } : {}),
    },
    undefined,
  );
  const models = await verifyModels(cfg);
  const detector = (await loadObjectDetector(cfg, models))!;
  const raw = await ModelRepository.fromConfig(cfg).load(
    models.find((m) => m.name === 'object')!,
    { threads: 1, workers: 0 },
  );
  const dir = mkdtempSync(join(tmpdir(), 'bl-analytics-bench-'));
  try {
    log(`YOLOX-Nano ${cfg.anonymizer.objectModel}, input ${cfg.anonymizer.objectInputSize} (letterbox), threshold ${cfg.anonymizer.objectThreshold}, 1 thread`);
    const scene = await sharp(plateSet(EVAL_DIR).find((p) => p.file === 'eu_eu3.jpg')!.path)
      .resize(640, 360, { fit: 'cover' })
      .removeAlpha()
      .raw()
      .toBuffer();
    const frames = [toI420({ format: 'rgb', width: 640, height: 360, data: new Uint8Array(scene.buffer, scene.byteOffset, scene.length) })];
    for (let i = 0; i < 9; i++) frames.push(frames[0]);
    await stageCosts(detector, raw, frames.slice(0, 2));
    const stages = await stageCosts(detector, raw, frames);
    const decoderPerSec = round(samplingDecoderMsPerSecond(dir), 1);
    const anonymizerPerFrame = round(stages.transport + stages.tensor + stages.inference + stages.decodeNms + stages.trackCount, 2);
    const perCameraSecond = decoderPerSec + 2 * anonymizerPerFrame;
    const camerasPerCore = round(1000 / perCameraSecond, 1);
    const camerasPerCoreAnonymizer = round(1000 / (2 * anonymizerPerFrame), 1);
    log(`CPU per analysed frame (640x360 sample of 720p), ms: ${JSON.stringify(stages)} = ${anonymizerPerFrame} on the anonymizer`);
    log(`media sampling decoder (720p25 H.264 decoded, 2 fps scaled to 640x360): ${decoderPerSec} ms CPU per second of video`);
    log(`cameras per core at 2 fps of 720p: ${camerasPerCore} (media decode + anonymizer); anonymizer alone: ${camerasPerCoreAnonymizer}`);

    const persons = await personShare(detector);
    log(`person detection: ${persons.share} of ${persons.faces} labelled faces >= 24 px lie inside a detected person box`);
    const vehicles = await vehicleShare(detector);
    log(`vehicle detection: ${vehicles.share} of ${vehicles.plates} labelled plates lie inside a detected vehicle box (EU ${vehicles.eu}, US ${vehicles.us})`);

    // The scene's cut-outs are chosen by the detector at its native input (640), whatever size is
    // measured, so that a smaller input's misses show in the counting error instead of thinning the scene.
    const reference =
      cfg.anonymizer.objectInputSize === REFERENCE_INPUT
        ? detector
        : (await loadObjectDetector({ ...cfg, anonymizer: { ...cfg.anonymizer, objectInputSize: REFERENCE_INPUT } }, models))!;
    const sp = await sprites(reference);
    if (reference !== detector) await reference.release();
    log(
      `counting scene: ${sp.persons.length} person and ${sp.vehicles.length} vehicle cut-outs from the evaluation images (${sp.rejected} more not detected on their own at input ${REFERENCE_INPUT}, left out)`,
    );
    const count = await counting(detector, sp);
    log(
      `counting: truth ${JSON.stringify(count.truth)}, counted ${JSON.stringify(count.counted)}: crossing error ${count.crossingError}; zone occupancy error ${count.occupancyError} (mean ${count.occupancyMeanTruth} persons)`,
    );

    log(
      'RESULT ' +
        JSON.stringify({
          cpuPerFrameMs: { ...stages, anonymizerTotal: anonymizerPerFrame },
          mediaDecoderMsPerSecond: decoderPerSec,
          camerasPerCore720p2fps: camerasPerCore,
          camerasPerCoreAnonymizerOnly: camerasPerCoreAnonymizer,
          personFaceInsideShare: persons.share,
          vehiclePlateInsideShare: vehicles.share,
          vehiclePlateInsideEu: vehicles.eu,
          vehiclePlateInsideUs: vehicles.us,
          countingCrossingError: count.crossingError,
          countingOccupancyError: count.occupancyError,
          countingTruth: count.truth,
          countingCounted: count.counted,
        }),
    );
  } finally {
    await detector.release();
    await raw.release();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench:analytics failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
