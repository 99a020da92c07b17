/**
 * npm run bench:media -- the media node's figures on this machine (issue 5):
 *  - glass-to-glass latency of raw and anonymized live video (median, p95), read back in Chromium
 *    from time-stamped frames;
 *  - viewers one anonymized stream serves with under 1% packet loss;
 *  - 720p25 cameras anonymized in real time at once, and CPU per anonymized stream;
 *  - clip export speed (raw and anonymized) as a multiple of real time.
 * Runs in a loopback-only network namespace when it can (root). Ends with one line RESULT {json}.
 */
import 'reflect-metadata';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { GrantSigner, grantKeys } from '@borderlens/auth';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { createMediaApp } from '../src/media.app';
import { ProcessRepository, type MediaProcess, type SpawnOptions, RawFrameSplitter } from '@borderlens/media';
import { LiveService } from '../src/live/live.service';
import { ClipService } from '../src/clip/clip.service';
import { iou } from '@borderlens/redaction';
import { freeLoopbackPort as freePort } from '@borderlens/common';
import { loadDetector, verifyModels } from '../../anonymizer/src/detection/detector.factory';
import { RecorderService } from '../src/recording/recorder.service';
import { CameraSim } from '../test-tools/camera-sim';
import { buildTestVideo, type TestVideo } from '../test-tools/test-video';
import sharp from 'sharp';
import { installWhepClient, launchBrowser, whepPlay, closeWhep, grabFrame, inboundStats } from '../test-tools/browser';
import { canUnshare, inLoopbackOnlyNetns, runInLoopbackNetns } from '../test-tools/netns';
import { BenchGateway } from './bench-gateway';
import { ageOf, ClockSource, CLOCK_H, CLOCK_READER, CLOCK_W, readClock } from './clock-source';
import { WhepReceiver } from './whep-receiver';

const ROOT = resolve(__dirname.replace(/\/dist\/apps\/media\/bench$/, '').replace(/\/apps\/media\/bench$/, ''));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...a: unknown[]) => console.log('[bench:media]', ...a);

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
}

/** CPU seconds used so far by processes (utime + stime from /proc). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ticks += Number(parts[11]) + Number(parts[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

/** Remembers the ffmpeg processes the node starts, to account their CPU. */
class TrackedProcesses extends ProcessRepository {
  readonly procs: MediaProcess[] = [];
  readonly args = new Map<MediaProcess, string[]>();
  override ffmpeg(args: string[], opts: SpawnOptions = {}): MediaProcess {
    const p = super.ffmpeg(args, opts);
    this.procs.push(p);
    this.args.set(p, args);
    return p;
  }
  livePids(): number[] {
    return this.procs.filter((p) => p.running && p.pid).map((p) => p.pid!);
  }
}

interface Env {
  cfg: BorderlensConfig;
  app: NestExpressApplication;
  gateway: BenchGateway;
  processes: TrackedProcesses;
  signer: GrantSigner;
  base: string;
  dir: string;
  anonymizer: ChildProcess;
}

async function startEnv(dir: string): Promise<Env> {
  const env: Record<string, string> = {
    BORDERLENS_DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'error',
    TRANSPORT_HOST: '127.0.0.1',
    TRANSPORT_GATEWAY_PORT: String(await freePort()),
    TRANSPORT_MEDIA_PORT: String(await freePort()),
    TRANSPORT_ANONYMIZER_PORT: String(await freePort()),
    MEDIA_HOST: '127.0.0.1',
    MEDIA_PORT: String(await freePort()),
    MEDIA_ICE_BIND_ADDRESS: '127.0.0.1',
    MEDIA_IDLE_STOP_SEC: '1',
    MEDIA_RTMP_PORT: '0',
    MEDIA_SRT_PORT: '0',
    // many node-side viewers: the per-viewer limits are not what is measured
    MEDIA_SESSION_ATTEMPTS_PER_MINUTE: '100000',
    // the test cameras run on loopback
    CAMERAS_ALLOWED_NETWORKS: '127.0.0.0/8',
    CAMERAS_ALLOW_SPECIAL_NETWORKS: '127.0.0.0/8',
    MEDIA_MAX_SESSIONS_PER_USER: '1000',
    MEDIA_DISK_MIN_FREE_MB: '64',
    MEDIA_SEGMENT_SEC: '10',
    ANONYMIZER_MODEL_DIR: process.env.ANONYMIZER_MODEL_DIR || resolve(ROOT, '../shared/models'),
  };
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('ANONYMIZER_') || k.startsWith('MEDIA_')) env[k] = v!;
  // MEDIA_CLIP_DETECT_EVERY from the environment lets a run compare detection intervals.
  if (process.env.MEDIA_CLIP_DETECT_EVERY) env.MEDIA_CLIP_DETECT_EVERY = process.env.MEDIA_CLIP_DETECT_EVERY;
  const cfg = loadConfig(env, undefined);
  const anonymizer = spawn(process.execPath, [join(ROOT, 'dist/apps/anonymizer/src/main.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore'] });
  const signer = await GrantSigner.fromFile(join(dir, 'grant-key.json'));
  const gateway = new BenchGateway();
  const processes = new TrackedProcesses();
  const app = await createMediaApp(cfg, { gateway, processes, grantKeys: grantKeys(signer.jwks()) });
  await app.listen(cfg.media.port, cfg.media.host);
  // wait for the anonymizer to listen
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(cfg.transport.anonymizerPort, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) break;
    if (anonymizer.exitCode !== null) throw new Error('the anonymizer did not start (npm run build? models?)');
    await sleep(200);
  }
  return { cfg, app, gateway, processes, signer, base: `http://127.0.0.1:${cfg.media.port}`, dir, anonymizer };
}

let connectFailures = 0;

/**
 * A node-side viewer that receives packets: now and then (about 1 in 50 here) a node-datachannel
 * to node-datachannel connection never opens; such a viewer is replaced (and counted).
 */
async function viewer(e: Env, cam: string, sub: string): Promise<WhepReceiver> {
  for (let attempt = 0; ; attempt++) {
    let r: WhepReceiver;
    try {
      r = await WhepReceiver.connect(`${e.base}/whep/${cam}?form=anonymized`, await grant(e, cam, 'anonymized', sub));
    } catch (err) {
      if (attempt >= 2) throw err;
      connectFailures++;
      log(`viewer ${sub} of ${cam} could not connect (${(err as Error).message}); trying again`);
      continue;
    }
    for (let i = 0; i < 50 && r.packets === 0; i++) await sleep(100);
    if (r.packets > 0 || attempt >= 2) return r;
    connectFailures++;
    log(`viewer ${sub} of ${cam} got nothing (${r.state}); replacing it`);
    r.close(e.base);
  }
}

function addCamera(e: Env, id: string, url: string, recording = false): void {
  e.gateway.cameras.set(id, { id, name: id, kind: 'fixed', ingest: { type: 'rtsp', url, rtspTransport: 'tcp' }, recordingEnabled: recording, retentionDays: 1, redaction: {} });
}

async function grant(e: Env, cam: string, form: 'raw' | 'anonymized', sub = 'bench'): Promise<string> {
  return (await e.signer.sign({ sub, name: sub, org: 'bench', country: 'CZ', cam, form, obligations: {} }, 3600)).token;
}

/** Glass-to-glass latency, raw and anonymized, read back from time-stamped frames in Chromium. */
async function latency(e: Env, video: TestVideo): Promise<Record<string, unknown>> {
  const sim = new CameraSim(await freePort(), ['--rawstdin', `${CLOCK_W}x${CLOCK_H}`]);
  const simStart = sim.start();
  // background: a scene of the test video (a face and a car), as yuv420p
  const background = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', video.scenes[1].png, '-vf', 'scale=1280:720,format=yuv420p', '-f', 'rawvideo', 'pipe:1'], {
    maxBuffer: 1 << 24,
  });
  const clock = new ClockSource(background);
  // the simulator reads stdin once its pipeline runs; start feeding right away
  await sleep(300);
  clock.start(sim.stdin);
  const url = await simStart;
  const cameraSide = await cameraToDecoder(url);
  log(`camera to a decoder beside the node (RTSP pull, decode): median ${cameraSide.medianMs} ms, p95 ${cameraSide.p95Ms} ms`);
  addCamera(e, 'cam-clock', url);
  const browser = await launchBrowser();
  const out: Record<string, unknown> = { cameraToDecoder: cameraSide };
  try {
    const page = await browser.browser.newPage();
    await page.goto(`${e.base}/health`);
    await installWhepClient(page);
    await page.evaluate(CLOCK_READER);
    for (const form of ['raw', 'anonymized'] as const) {
      const r = await whepPlay(page, `${e.base}/whep/cam-clock?form=${form}`, await grant(e, 'cam-clock', 'raw'), 25, 30000);
      if (r.status !== 201) throw new Error(`WHEP ${form}: ${r.status} ${r.error}`);
      await sleep(4000);
      if (process.env.BENCH_DEBUG) {
        const f = await grabFrame(page, r.index!);
        await sharp(f.rgba, { raw: { width: f.width, height: f.height, channels: 4 } })
          .png()
          .toFile(`/tmp/rt/bench-${form}.png`);
      }
      const jb0 = await inboundStats(page, r.index!);
      await page.evaluate(`window.__clockStart(${r.index})`);
      // where the time goes inside the node (anonymized): decoder, gate (waiting for detection), x264
      const parts: { decode: number[]; hold: number[]; encode: number[]; detect: number[] } = { decode: [], hold: [], encode: [], detect: [] };
      for (let i = 0; i < 48; i++) {
        await sleep(250);
        const st = e.app
          .get(LiveService)
          .status()
          .find((x) => x.cameraId === 'cam-clock');
        if (st?.decoder && st.anonymized) {
          parts.decode.push(st.decoder.latencyMs);
          parts.hold.push(st.anonymized.lastHoldMs);
          parts.encode.push(st.anonymized.encodeMs ?? 0);
          parts.detect.push(st.anonymized.lastDetectMs);
        }
      }
      const c = (await page.evaluate('window.__clockStop()')) as { lat: number[]; bad: number; samples?: string[] };
      // the browser's own share: mean time a frame waited in its jitter buffer over the measurement
      const jb1 = await inboundStats(page, r.index!);
      const jitterBufferMs =
        (1000 * (Number(jb1.jitterBufferDelay) - Number(jb0.jitterBufferDelay))) / Math.max(1, Number(jb1.jitterBufferEmittedCount) - Number(jb0.jitterBufferEmittedCount));
      if (c.samples) log(`unreadable samples: ${c.samples.join(' | ')}`);
      await closeWhep(page, r.index!);
      const inside = parts.decode.length
        ? {
            decodeMedianMs: quantile(parts.decode, 0.5),
            gateHoldMedianMs: quantile(parts.hold, 0.5),
            gateHoldP95Ms: quantile(parts.hold, 0.95),
            detectRoundTripMedianMs: quantile(parts.detect, 0.5),
            detectRoundTripP95Ms: quantile(parts.detect, 0.95),
            encodeMedianMs: quantile(parts.encode, 0.5),
          }
        : undefined;
      out[form] = {
        medianMs: quantile(c.lat, 0.5),
        p95Ms: quantile(c.lat, 0.95),
        minMs: Math.min(...c.lat),
        maxMs: Math.max(...c.lat),
        frames: c.lat.length,
        unreadable: c.bad,
        browserJitterBufferMs: Math.round(jitterBufferMs),
        ...(inside ? { inside } : {}),
      };
      if (inside) log(`inside the node (${form}): ${JSON.stringify(inside)}`);
      if (process.env.BENCH_DEBUG) log(`${form} latencies: ${c.lat.join(' ')}`);
      log(
        `glass-to-glass ${form}: median ${quantile(c.lat, 0.5)} ms, p95 ${quantile(c.lat, 0.95)} ms over ${c.lat.length} frames (${c.bad} unreadable); browser jitter buffer ${jitterBufferMs.toFixed(0)} ms a frame`,
      );
      await sleep(1500);
    }
  } finally {
    await browser.close();
    clock.stop();
    await sim.stop();
  }
  return out;
}

/**
 * The camera's share of glass-to-glass: its stamped pictures pulled and decoded by ffmpeg as the node
 * would (RTSP over TCP, slice threads), read back as soon as each picture is decoded.
 */
async function cameraToDecoder(url: string, seconds = 6): Promise<{ medianMs: number; p95Ms: number; frames: number }> {
  const ff = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-rtsp_transport',
      'tcp',
      '-thread_type',
      'slice',
      '-flags',
      'low_delay',
      '-i',
      url,
      '-map',
      '0:v:0',
      '-vf',
      'extractplanes=y',
      '-threads',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const ages: number[] = [];
  const frames = new RawFrameSplitter(CLOCK_W * CLOCK_H, (luma) => {
    const stamp = readClock(luma);
    if (stamp !== null) ages.push(ageOf(stamp));
  });
  ff.stdout!.on('data', (chunk: Buffer) => frames.push(chunk));
  await sleep(seconds * 1000);
  ff.kill('SIGKILL');
  // the first pictures waited for the connection
  const steady = ages.slice(Math.min(25, ages.length >> 2));
  return { medianMs: quantile(steady, 0.5), p95Ms: quantile(steady, 0.95), frames: steady.length };
}

/** How many node-side viewers one anonymized stream serves with under 1% loss. */
async function viewers(e: Env, video: TestVideo): Promise<Record<string, unknown>> {
  const sim = new CameraSim(await freePort(), ['--file', video.file]);
  addCamera(e, 'cam-v', await sim.start());
  const rx: WhepReceiver[] = [];
  const steps: { viewers: number; maxLoss: number; meanLoss: number; minFps: number }[] = [];
  let best = 0;
  try {
    for (const target of [1, 10, 25, 50, 75, 100]) {
      while (rx.length < target) rx.push(await viewer(e, 'cam-v', `v${rx.length}`));
      await sleep(4000);
      rx.forEach((r) => r.reset());
      const secs = 8;
      const live = e.app.get(LiveService);
      const p0 = live.status().find((s) => s.cameraId === 'cam-v');
      await sleep(secs * 1000);
      const p1 = live.status().find((s) => s.cameraId === 'cam-v');
      const st = rx.map((r) => ({ ...r.stats(), fps: r.frameCount / secs }));
      const pipeline = {
        sourceFps: p1?.source?.fps,
        decodedFps: ((p1?.decoder?.framesOut ?? 0) - (p0?.decoder?.framesOut ?? 0)) / secs,
        gateFps: ((p1?.anonymized?.frames ?? 0) - (p0?.anonymized?.frames ?? 0)) / secs,
        maskedPerSec: ((p1?.anonymized?.masked ?? 0) - (p0?.anonymized?.masked ?? 0)) / secs,
        encoderDroppedPerSec: ((p1?.anonymized?.encoderDropped ?? 0) - (p0?.anonymized?.encoderDropped ?? 0)) / secs,
        detectMs: p1?.anonymized?.lastDetectMs,
        encodeMs: p1?.anonymized?.encodeMs,
      };
      const step = {
        viewers: target,
        maxLoss: Math.max(...st.map((s) => s.loss)),
        meanLoss: st.reduce((a, s) => a + s.loss, 0) / st.length,
        minFps: Math.min(...st.map((s) => s.fps)),
        pipeline,
      };
      steps.push(step);
      const dead = rx.filter((r) => r.stats().packets === 0).map((r) => r.state);
      if (dead.length) log(`viewers without packets: ${dead.join(', ')}`);
      log(
        `viewers ${target}: max loss ${(step.maxLoss * 100).toFixed(2)}%, mean ${(step.meanLoss * 100).toFixed(2)}%, slowest ${step.minFps.toFixed(1)} fps; pipeline ${JSON.stringify(pipeline)}; load ${loadavg()[0].toFixed(2)}`,
      );
      // the figure asked for is loss; frame rate is reported (viewers here share the CPU with the node)
      if (step.maxLoss >= 0.01) break;
      best = target;
    }
  } finally {
    rx.forEach((r) => r.close(e.base));
    await sleep(1500);
    await sim.stop();
  }
  return { maxViewersUnder1PctLoss: best, steps };
}

/** Cameras anonymized in real time at once (each with one viewer), and CPU per stream. */
async function cameras(e: Env, video: TestVideo): Promise<Record<string, unknown>> {
  const sims: CameraSim[] = [];
  const rx: WhepReceiver[] = [];
  const steps: Record<string, unknown>[] = [];
  let best = 0;
  let cpuPerStream: Record<string, number> | undefined;
  const live = e.app.get(LiveService);
  try {
    for (let n = 1; n <= 4; n++) {
      const sim = new CameraSim(await freePort(), ['--file', video.file]);
      sims.push(sim);
      addCamera(e, `cam-${n}`, await sim.start());
      rx.push(await viewer(e, `cam-${n}`, `c${n}`));
      await sleep(6000);
      const secs = 12;
      const before = new Map(live.status().map((s) => [s.cameraId, { ...s.anonymized! }]));
      rx.forEach((r) => r.reset());
      const cpu0 = { node: process.cpuUsage(), children: cpuSeconds(e.processes.livePids()), anonymizer: cpuSeconds([e.anonymizer.pid!]) };
      await sleep(secs * 1000);
      const nodeCpu = process.cpuUsage(cpu0.node);
      const cpu = {
        node: (nodeCpu.user + nodeCpu.system) / 1e6 / secs,
        ffmpeg: (cpuSeconds(e.processes.livePids()) - cpu0.children) / secs,
        anonymizer: (cpuSeconds([e.anonymizer.pid!]) - cpu0.anonymizer) / secs,
      };
      const per = live
        .status()
        .filter((s) => s.cameraId.startsWith('cam-') && /^cam-\d$/.test(s.cameraId))
        .map((s) => {
          const b = before.get(s.cameraId)!;
          const a = s.anonymized!;
          const frames = a.frames - b.frames;
          return {
            camera: s.cameraId,
            gateFps: frames / secs,
            maskedPct: (100 * (a.masked - b.masked)) / Math.max(1, frames),
            detectMs: a.lastDetectMs,
            encoderDropped: (a.encoderDropped ?? 0) - (b.encoderDropped ?? 0),
          };
        });
      const rxFps = rx.map((r) => r.frameCount / secs);
      const ok = per.length === n && per.every((p) => p.gateFps >= 23.5 && p.maskedPct <= 5) && rxFps.every((f) => f >= 22.5);
      steps.push({ cameras: n, realTime: ok, cpuCores: cpu, perCamera: per, viewerFps: rxFps });
      log(
        `${n} camera(s): ${ok ? 'real time' : 'NOT real time'}; cpu cores node ${cpu.node.toFixed(2)} ffmpeg ${cpu.ffmpeg.toFixed(2)} anonymizer ${cpu.anonymizer.toFixed(2)}; ` +
          per.map((p) => `${p.camera} ${p.gateFps.toFixed(1)} fps, masked ${p.maskedPct.toFixed(1)}%`).join('; '),
      );
      if (n === 1) cpuPerStream = { nodeCores: cpu.node, ffmpegCores: cpu.ffmpeg, anonymizerCores: cpu.anonymizer, totalCores: cpu.node + cpu.ffmpeg + cpu.anonymizer };
      if (!ok) break;
      best = n;
    }
  } finally {
    rx.forEach((r) => r.close(e.base));
    await sleep(1500);
    await Promise.all(sims.map((s) => s.stop()));
  }
  return { maxRealTime720p25: best, cpuPerAnonymizedStream: cpuPerStream, steps };
}

/** Records the test video for a while, then exports clips raw and anonymized. */
async function clips(e: Env, video: TestVideo): Promise<Record<string, unknown>> {
  const sim = new CameraSim(await freePort(), ['--file', video.file]);
  addCamera(e, 'cam-rec', await sim.start(), true);
  const rec = e.app.get(RecorderService);
  await rec.sync();
  const t0 = Date.now();
  while (e.gateway.segments.filter((s) => s.cameraId === 'cam-rec').length < 3 && Date.now() - t0 < 90000) await sleep(500);
  e.gateway.cameras.get('cam-rec')!.recordingEnabled = false;
  await rec.sync();
  await sim.stop();
  const segs = e.gateway.segments.filter((s) => s.cameraId === 'cam-rec');
  if (segs.length < 2) throw new Error('recording produced too few segments');
  const from = new Date(Date.parse(segs[0].startedAt) + 500).toISOString();
  const to = segs[segs.length - 1].endedAt;
  const out: Record<string, unknown> = {};
  const clipService = e.app.get(ClipService);
  for (const form of ['raw', 'anonymized'] as const) {
    const cpu0 = { node: process.cpuUsage(), ffmpeg: childCpuSeconds(), anonymizer: cpuSeconds([e.anonymizer.pid!]) };
    const t = Date.now();
    const profile = form === 'anonymized' && process.env.BENCH_CPU_PROFILE ? await startProfile() : undefined;
    const ffmpegSplit = splitFfmpegCpu(e.processes);
    const r = await clipService.export({ clipId: `bench-${form}`, cameraId: 'cam-rec', from, to, form });
    const wall = (Date.now() - t) / 1000;
    const split = ffmpegSplit();
    if (profile) await profile(join(process.env.BENCH_CPU_PROFILE!, `media-clip-${Date.now()}.cpuprofile`));
    const node = process.cpuUsage(cpu0.node);
    const frames = Math.max(1, Math.round((r.durationSec ?? 0) * 25));
    // CPU per exported frame by stage: ffmpeg (probe, decode, encode; children reaped when the export ends),
    // the media node (frame splitting, detection copies, transport, redaction, watermark) and the anonymizer.
    const cpuMsPerFrame = {
      ffmpeg: ((childCpuSeconds() - cpu0.ffmpeg) * 1000) / frames,
      mediaNode: (node.user + node.system) / 1000 / frames,
      anonymizer: ((cpuSeconds([e.anonymizer.pid!]) - cpu0.anonymizer) * 1000) / frames,
    };
    const total = cpuMsPerFrame.ffmpeg + cpuMsPerFrame.mediaNode + cpuMsPerFrame.anonymizer;
    // Inside the media node: detection copies (downscale + base64), redaction, watermark; the rest is frame I/O and transport.
    const st = form === 'anonymized' ? clipService.lastStages : undefined;
    const mediaNodeStages = st
      ? round({
          frameIn: st.frameInMs / st.frames,
          detectCopy: st.detectCopyMs / st.frames,
          detectSend: st.detectSendMs / st.frames,
          redact: st.redactMs / st.frames,
          watermark: st.watermarkMs / st.frames,
          frameOut: st.frameOutMs / st.frames,
        })
      : undefined;
    // CPU per exported frame by stage. ffmpeg's share is split between decoder and encoder as sampled
    // from /proc while they ran; the anonymizer's CPU is detection (its transport share included);
    // transport is the node's sealing and sending; 'other' is the node's remainder (event loop, GC, reply handling).
    const byStage = st
      ? (() => {
          const ff = cpuMsPerFrame.ffmpeg;
          const decode = ff * split.decodeShare + mediaNodeStages!.frameIn;
          const encode = ff * (1 - split.decodeShare) + mediaNodeStages!.frameOut;
          const detect = cpuMsPerFrame.anonymizer + mediaNodeStages!.detectCopy;
          const named =
            mediaNodeStages!.frameIn + mediaNodeStages!.frameOut + mediaNodeStages!.detectCopy + mediaNodeStages!.detectSend + mediaNodeStages!.redact + mediaNodeStages!.watermark;
          return round({
            decode,
            detect,
            redact: mediaNodeStages!.redact + mediaNodeStages!.watermark,
            encode,
            transport: mediaNodeStages!.detectSend,
            otherMediaNode: Math.max(0, cpuMsPerFrame.mediaNode - named),
          });
        })()
      : undefined;
    out[form] = {
      videoSec: r.durationSec,
      wallSec: wall,
      xRealTime: (r.durationSec ?? 0) / wall,
      cpuMsPerFrame: { ...round(cpuMsPerFrame), total: Math.round(total * 10) / 10 },
      ...(mediaNodeStages ? { cpuMsPerFrameByStage: byStage, mediaNodeMsPerFrame: mediaNodeStages, detections: st!.detections, detectEvery: e.cfg.media.clipDetectEvery } : {}),
    };
    if (mediaNodeStages) log(`  media node ms per frame: ${JSON.stringify(mediaNodeStages)}`);
    if (byStage) log(`  CPU ms per exported frame by stage: ${JSON.stringify(byStage)} (${st!.detections} detections for ${st!.frames} frames)`);
    log(
      `clip export ${form}: ${r.durationSec?.toFixed(1)} s of 720p in ${wall.toFixed(1)} s = ${((r.durationSec ?? 0) / wall).toFixed(2)}x real time; CPU ms per frame ${JSON.stringify(round(cpuMsPerFrame))} total ${total.toFixed(1)} (detect every ${e.cfg.media.clipDetectEvery})`,
    );
  }
  // Leak check: an independent detector (the anonymizer's models at their full still-image input sizes,
  // not the export's live sizes) on the same frames of the source (decoded, not redacted) and of the
  // anonymized clip: faces it still finds in the clip, as a share of those it finds in the source.
  await clipService.export({ clipId: 'bench-source', cameraId: 'cam-rec', from, to, form: 'raw', watermark: ' ' });
  const detector = (await loadDetector(e.cfg, await verifyModels(e.cfg))).detector;
  const dir = clipService.dir;
  const source = framesOf(join(dir, 'bench-source.mp4'), 1280, 720, 5);
  const anonymized = framesOf(join(dir, 'bench-anonymized.mp4'), 1280, 720, 5);
  let sourceFaces = 0;
  let stillFound = 0;
  for (let i = 0; i < Math.min(source.length, anonymized.length); i++) {
    const before = (await detector.detect({ format: 'rgba', width: 1280, height: 720, data: source[i] })).faces.map((f) => f.box);
    const after = (await detector.detect({ format: 'rgba', width: 1280, height: 720, data: anonymized[i] })).faces.map((f) => f.box);
    sourceFaces += before.length;
    stillFound += before.filter((b) => after.some((a) => iou(a, b) >= 0.3)).length;
  }
  const leakPct = sourceFaces ? (100 * stillFound) / sourceFaces : 0;
  out.leakCheck = { framesChecked: Math.min(source.length, anonymized.length), sourceFaces, stillFound, leakPct, targetPct: 1 };
  log(
    `leak check: the independent detector finds ${sourceFaces} faces in ${Math.min(source.length, anonymized.length)} source frames, ${stillFound} of them still in the anonymized clip (${leakPct.toFixed(2)}%, target <= 1%)`,
  );
  return out;
}

/** BENCH_CPU_PROFILE=dir: a CPU profile of the media node during one export (open in Chrome's DevTools). */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((ok, fail) => session.post(method, (err, r) => (err ? fail(err) : ok(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async (file) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`CPU profile written to ${file}`);
  };
}

function round(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

/**
 * Samples the CPU of the node's ffmpeg processes started from now on (every 50 ms, from /proc);
 * the returned function stops and tells the decoder's share (concat input) of what they used.
 */
function splitFfmpegCpu(processes: TrackedProcesses): () => { decodeShare: number } {
  const known = new Set(processes.procs);
  const last = new Map<MediaProcess, number>();
  const timer = setInterval(() => {
    for (const p of processes.procs) if (!known.has(p) && p.running && p.pid) last.set(p, cpuSeconds([p.pid]));
  }, 50);
  return () => {
    clearInterval(timer);
    let decode = 0;
    let all = 0;
    for (const [p, sec] of last) {
      all += sec;
      if (processes.args.get(p)?.includes('concat')) decode += sec;
    }
    return { decodeShare: all > 0 ? decode / all : 0.5 };
  };
}

/** CPU seconds of this process's children that have ended (cutime + cstime). */
function childCpuSeconds(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(parts[13]) + Number(parts[14])) / 100;
}

/** Frames of an MP4 as RGBA, `fps` per second. */
function framesOf(file: string, width: number, height: number, fps: number): Buffer[] {
  const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `fps=${fps}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], {
    maxBuffer: 2 ** 31,
  });
  const size = width * height * 4;
  const frames: Buffer[] = [];
  for (let i = 0; i + size <= raw.length; i += size) frames.push(raw.subarray(i, i + size));
  return frames;
}

async function main(): Promise<void> {
  if (!inLoopbackOnlyNetns() && canUnshare() && process.env.BORDERLENS_BENCH_NO_NETNS !== '1') {
    process.exit(runInLoopbackNetns([process.execPath, __filename, ...process.argv.slice(2)]));
  }
  const only = process.argv.slice(2);
  const want = (s: string) => only.length === 0 || only.includes(s);
  const dir = mkdtempSync(join(tmpdir(), 'bl-media-bench-'));
  log(
    `load average at start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (2-core machine; others' jobs skew figures)`,
  );
  const video = await buildTestVideo(dir, { minutes: 10 });
  const e = await startEnv(dir);
  const result: Record<string, unknown> = { machine: { loadAvgAtStart: loadavg()[0], netns: inLoopbackOnlyNetns() } };
  const machine = result.machine as Record<string, unknown>;
  process.on('exit', () => e.anonymizer.kill('SIGKILL'));
  try {
    if (want('latency')) result.glassToGlass = await latency(e, video);
    if (want('viewers')) result.viewers = await viewers(e, video);
    if (want('cameras')) result.cameras = await cameras(e, video);
    if (want('clips')) result.clipExport = await clips(e, video);
  } finally {
    // never hang on shutdown: the figures are what matters
    const closing = setTimeout(() => {
      log('shutdown took too long; exiting');
      process.exit(0);
    }, 15000);
    await e.app.close().catch((err) => log(`shutdown: ${(err as Error).message}`));
    clearTimeout(closing);
    e.anonymizer.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  machine.viewerConnectFailures = connectFailures;
  machine.loadAvgAtEnd = loadavg()[0];
  const g = result.glassToGlass as Record<string, { medianMs: number; p95Ms: number }> | undefined;
  const v = result.viewers as { maxViewersUnder1PctLoss: number } | undefined;
  const c = result.cameras as { maxRealTime720p25: number; cpuPerAnonymizedStream?: { totalCores: number } } | undefined;
  const k = result.clipExport as Record<string, { xRealTime: number }> | undefined;
  const summary = {
    rawG2gMedianMs: g?.raw?.medianMs,
    rawG2gP95Ms: g?.raw?.p95Ms,
    anonymizedG2gMedianMs: g?.anonymized?.medianMs,
    anonymizedG2gP95Ms: g?.anonymized?.p95Ms,
    anonymizedCameras720p25RealTime: c?.maxRealTime720p25,
    cpuCoresPerAnonymizedStream: c?.cpuPerAnonymizedStream?.totalCores,
    viewersPerAnonymizedStreamUnder1PctLoss: v?.maxViewersUnder1PctLoss,
    clipExportRawXRealTime: k?.raw?.xRealTime,
    clipExportAnonymizedXRealTime: k?.anonymized?.xRealTime,
    clipExportAnonymizedCpuMsPerFrame: (k?.anonymized as { cpuMsPerFrame?: unknown } | undefined)?.cpuMsPerFrame,
    clipExportAnonymizedCpuMsPerFrameByStage: (k?.anonymized as { cpuMsPerFrameByStage?: unknown } | undefined)?.cpuMsPerFrameByStage,
    clipExportLeakPct: (k?.leakCheck as { leakPct?: number } | undefined)?.leakPct,
  };
  console.log(`RESULT ${JSON.stringify({ ...summary, details: result })}`);
  process.exit(0);
}

main().catch((err) => {
  console.error(`[bench:media] failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
