import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { CLIP_CHUNK_BYTES, type ClipChunk, type ClipExportRequest, type ClipExportStatus } from '@borderlens/contracts';
import { AnonymizingPipeline, DetectionFailed, i420Size } from '@borderlens/redaction';
import { clipCopyArgs, clipDecodeArgs, clipEncodeArgs, concatList, probe, type VideoInfo, MediaProcess, ProcessRepository, FramePool, RawFrameSplitter } from '@borderlens/media';
import { watermark } from '../live/camera-live';
import type { DecodedFrame } from '../live/decoded-frame';
import { createPrivateFile, PRIVATE_FILE_MODE, privateDir } from '../recording/private-files';
import { SegmentStore } from '../recording/segment.store';
import { FrameDetection } from '../transport/frame-detection';
import { DetectorPort } from '../transport/ports';

export class ClipError extends Error {}

/** Synchronous work of the media node in one anonymized export, by stage (ms; about its CPU). */
export interface ClipStages {
  frames: number;
  detections: number;
  /** Cutting the decoder's output into frames. */
  frameInMs: number;
  /** Downscaled copies for the detector. */
  detectCopyMs: number;
  /** Sealing and sending detection requests (the frames travel as bytes). */
  detectSendMs: number;
  redactMs: number;
  watermarkMs: number;
  /** Handing frames to the encoder's pipe. */
  frameOutMs: number;
}
export class ClipNotFound extends Error {}

/** Clip directory: media.clipDir, else dataDir/clips. */
export function clipRoot(cfg: BorderlensConfig): string {
  return cfg.media.clipDir ? resolve(cfg.media.clipDir) : join(cfg.dataDir, 'clips');
}

const ID = /^[\w.-]{1,128}$/;
const MAX_CLIP_SEC = 6 * 3600;
/** Detections in flight at once during an export (roughly): the anonymizer works on the next frames while one travels and this one is redacted. */
const DETECT_CONCURRENCY = 3;
const DETECT_TIMEOUT_MS = 10_000;

interface Plan {
  entries: { file: string; inpoint?: number; outpoint?: number }[];
  durationSec: number;
  info: VideoInfo;
}

/**
 * Clip export from recordings: the segments covering a time range are joined (ffmpeg concat), then
 * either copied (raw form) or decoded, run through detection (every media.clipDetectEvery-th frame,
 * looking ahead to cover the frames between), redacted and encoded
 * (anonymized form; also when a watermark must be burned in), into an MP4 with the index at the
 * front. The file appears under its final name only when complete; its SHA-256 is computed then.
 * Fail closed: if detection fails, the export fails; no frame is written unredacted.
 */
@Injectable()
export class ClipService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(ClipService.name);
  private readonly jobs = new Map<string, ClipExportStatus>();
  /** Time spent per stage in the node by the latest anonymized export (ms, synchronous work: about its CPU). */
  lastStages: ClipStages | undefined;
  /** ffmpeg processes of running exports (stopped with the node, so none outlives it). */
  private readonly running = new Set<MediaProcess>();
  readonly dir: string;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly processes: ProcessRepository,
    private readonly store: SegmentStore,
    private readonly detector: DetectorPort,
  ) {
    this.dir = clipRoot(cfg);
  }

  /** Starts an export in the background; the status says how it goes. */
  start(req: ClipExportRequest): ClipExportStatus {
    this.check(req);
    const running = this.jobs.get(req.clipId);
    if (running?.state === 'exporting') return running;
    const status: ClipExportStatus = { clipId: req.clipId, state: 'exporting', progress: 0 };
    this.jobs.set(req.clipId, status);
    void this.export(req, (p) => (status.progress = p)).then(
      (done) => this.jobs.set(req.clipId, done),
      (e: Error) => this.jobs.set(req.clipId, { clipId: req.clipId, state: 'failed', progress: status.progress, error: e.message }),
    );
    return status;
  }

  /**
   * How an export goes. After a restart the node remembers no job: a complete file still answers
   * 'ready' (with its hash), anything else is unknown and the gateway starts the export again.
   */
  async status(clipId: string): Promise<ClipExportStatus | undefined> {
    const job = this.jobs.get(clipId);
    if (job || !ID.test(clipId)) return job;
    const file = join(this.dir, `${clipId}.mp4`);
    if (!existsSync(file)) return undefined;
    const done: ClipExportStatus = { clipId, state: 'ready', progress: 1, path: `${clipId}.mp4`, bytes: statSync(file).size, sha256: await sha256File(file) };
    this.jobs.set(clipId, done);
    return done;
  }

  /** A crash leaves partial files behind; no export survives a restart, so they go. */
  onModuleInit(): void {
    if (!existsSync(this.dir)) return;
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.part') || name.endsWith('.ffconcat')) rmSync(join(this.dir, name), { force: true });
    }
  }

  onModuleDestroy(): void {
    for (const p of this.running) p.kill();
  }

  private track(p: MediaProcess): MediaProcess {
    this.running.add(p);
    void p.exited.then(() => this.running.delete(p));
    return p;
  }

  /** A piece of a finished clip (the gateway streams downloads with it). */
  read(clipId: string, offset: number, length = CLIP_CHUNK_BYTES): ClipChunk {
    if (typeof clipId !== 'string' || !ID.test(clipId)) throw new ClipError('clipId must be 1-128 letters, digits, dot, dash or underscore');
    if (!Number.isSafeInteger(offset) || offset < 0) throw new ClipError('offset must be a non-negative integer');
    const n = Math.min(CLIP_CHUNK_BYTES, Number.isSafeInteger(length) && length > 0 ? length : CLIP_CHUNK_BYTES);
    const file = join(this.dir, `${clipId}.mp4`);
    if (this.jobs.get(clipId)?.state === 'exporting' || !existsSync(file)) throw new ClipNotFound(`no finished clip ${clipId}`);
    const fd = openSync(file, 'r');
    try {
      const bytes = statSync(file).size;
      const buf = Buffer.alloc(Math.max(0, Math.min(n, bytes - offset)));
      const got = buf.length ? readSync(fd, buf, 0, buf.length, offset) : 0;
      return { clipId, offset, bytes, data: buf.subarray(0, got).toString('base64') };
    } finally {
      closeSync(fd);
    }
  }

  /** Erases a clip file (download expired); true when there was one. */
  delete(clipId: string): boolean {
    if (typeof clipId !== 'string' || !ID.test(clipId)) throw new ClipError('clipId must be 1-128 letters, digits, dot, dash or underscore');
    const file = join(this.dir, `${clipId}.mp4`);
    const existed = existsSync(file);
    rmSync(file, { force: true });
    this.jobs.delete(clipId);
    if (existed) this.log.log(`clip ${clipId} erased`);
    return existed;
  }

  /** Exports a clip and resolves when the file is complete. */
  async export(req: ClipExportRequest, onProgress: (p: number) => void = () => undefined): Promise<ClipExportStatus> {
    this.check(req);
    const started = Date.now();
    const plan = await this.plan(req.cameraId, new Date(req.from), new Date(req.to));
    privateDir(this.dir);
    const final = join(this.dir, `${req.clipId}.mp4`);
    const part = createPrivateFile(`${final}.part`);
    const list = `${final}.ffconcat`;
    writeFileSync(list, concatList(plan.entries), { mode: PRIVATE_FILE_MODE });
    try {
      if (req.form === 'raw' && !req.watermark) await this.copy(list, part, plan, onProgress);
      else await this.transcode(req, list, part, plan, onProgress);
      renameSync(part, final);
    } catch (e) {
      rmSync(part, { force: true });
      throw e;
    } finally {
      rmSync(list, { force: true });
    }
    onProgress(1);
    const sha256 = await sha256File(final);
    const bytes = statSync(final).size;
    this.log.log(`clip ${req.clipId} (${req.form}) ready: ${plan.durationSec.toFixed(1)} s of video in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { clipId: req.clipId, state: 'ready', progress: 1, path: `${req.clipId}.mp4`, bytes, sha256, durationSec: plan.durationSec };
  }

  private check(req: ClipExportRequest): void {
    if (!req || typeof req.clipId !== 'string' || !ID.test(req.clipId)) throw new ClipError('clipId must be 1-128 letters, digits, dot, dash or underscore');
    if (typeof req.cameraId !== 'string' || !ID.test(req.cameraId)) throw new ClipError('cameraId is not a camera id');
    if (req.form !== 'raw' && req.form !== 'anonymized') throw new ClipError("form must be 'raw' or 'anonymized'");
    const from = Date.parse(req.from);
    const to = Date.parse(req.to);
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) throw new ClipError('from and to must be ISO times with from before to');
    if (to - from > MAX_CLIP_SEC * 1000) throw new ClipError(`a clip may be at most ${MAX_CLIP_SEC / 3600} hours long`);
    if (req.watermark !== undefined && (typeof req.watermark !== 'string' || req.watermark.length > 200)) throw new ClipError('watermark must be a short text');
  }

  /** The recorded segments covering [from, to), with in/out points, probed. */
  async plan(cameraId: string, from: Date, to: Date): Promise<Plan> {
    const lookBack = (this.cfg.media.segmentSec * 2 + 10) * 1000;
    const candidates = this.store.list(cameraId).filter((f) => f.startedAt.getTime() < to.getTime() && f.startedAt.getTime() > from.getTime() - lookBack);
    const entries: Plan['entries'] = [];
    let info: VideoInfo | undefined;
    let durationSec = 0;
    for (const f of candidates) {
      let p: VideoInfo;
      try {
        p = await probe(this.processes, f.abs, { timeoutMs: 15000 });
      } catch (e) {
        this.log.warn(`skipping unreadable segment ${f.path}: ${(e as Error).message}`);
        continue;
      }
      const start = f.startedAt.getTime();
      const end = start + (p.duration ?? 0) * 1000;
      if (end <= from.getTime()) continue;
      const inpoint = from.getTime() > start ? (from.getTime() - start) / 1000 : undefined;
      const outpoint = to.getTime() < end ? (to.getTime() - start) / 1000 : undefined;
      entries.push({ file: f.abs, inpoint, outpoint });
      durationSec += (outpoint ?? p.duration ?? 0) - (inpoint ?? 0);
      info ??= p;
      if (p.width !== info.width || p.height !== info.height) this.log.warn(`segment ${f.path} is ${p.width}x${p.height}; the clip is ${info.width}x${info.height}`);
    }
    if (!entries.length || !info) throw new ClipError(`no recording of camera ${cameraId} covers ${from.toISOString()} - ${to.toISOString()}`);
    return { entries, durationSec, info };
  }

  private async copy(list: string, out: string, plan: Plan, onProgress: (p: number) => void): Promise<void> {
    const proc = this.track(this.processes.ffmpeg(clipCopyArgs(list, out)));
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      const m = /out_time_us=(\d+)/.exec(chunk) ?? /out_time_ms=(\d+)/.exec(chunk);
      if (m) onProgress(Math.min(0.99, Number(m[1]) / 1e6 / Math.max(0.001, plan.durationSec)));
    });
    const exit = await proc.exited;
    if (exit.code !== 0) throw new ClipError(`joining segments failed: ${proc.lastLines(2).join(' | ')}`);
  }

  /**
   * Decode -> anonymizing pipeline (file policy: detect every media.clipDetectEvery-th frame and the
   * last, cover each frame with the detections around it, redact; a failed detection stops the export)
   * -> (watermark) -> encode. A frame is written only once the detection after it is known.
   */
  private async transcode(req: ClipExportRequest, list: string, out: string, plan: Plan, onProgress: (p: number) => void): Promise<void> {
    const { width, height } = plan.info;
    const fps = plan.info.fps || 25;
    const expected = Math.max(1, Math.round(plan.durationSec * fps));
    const decoder = this.track(this.processes.ffmpeg(clipDecodeArgs(list, width, height)));
    const encoder = this.track(this.processes.ffmpeg(clipEncodeArgs({ width, height, fps, outFile: out })));
    const anonymize = req.form === 'anonymized';
    const every = Math.max(1, this.cfg.media.clipDetectEvery);
    const detection = new FrameDetection(this.detector, this.cfg.media.detectWidth);
    const pool = new FramePool(i420Size(width, height), 2 * every * (DETECT_CONCURRENCY + 2));
    const maxPending = every * (DETECT_CONCURRENCY + 1) + 1;
    const stages: ClipStages = { frames: 0, detections: 0, frameInMs: 0, detectCopyMs: 0, detectSendMs: 0, redactMs: 0, watermarkMs: 0, frameOutMs: 0 };
    const cost = { copyMs: 0, sendMs: 0 };
    const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
    let done = 0;
    let seq = 0;

    const writeOut = async (frame: DecodedFrame) => {
      const t = process.hrtime.bigint();
      if (req.watermark) watermark(frame, req.watermark, new Date(Date.parse(req.from) + (frame.seq * 1000) / fps));
      stages.watermarkMs += since(t);
      stages.frames++;
      const w = process.hrtime.bigint();
      // The buffer goes back to the pool once the pipe has taken it.
      const flowing = encoder.stdin.write(frame.data, (err) => err || pool.give(frame.data));
      stages.frameOutMs += since(w);
      if (!flowing) await new Promise((r) => encoder.stdin.once('drain', r));
      done++;
      if (done % 10 === 0) onProgress(Math.min(0.99, done / expected));
    };

    // The raw form (burning in a watermark) only passes frames through, in order.
    let passing = Promise.resolve();
    let passHeld = 0;
    const pipeline = anonymize
      ? new AnonymizingPipeline<DecodedFrame>(
          // The copy is taken before the first await: redaction of this frame may follow while it travels.
          (frame) => detection.detect(frame, DETECT_TIMEOUT_MS, cost),
          { kind: 'file', detectEvery: every, cover: 'neighbours', attempts: 2 },
          { method: this.cfg.anonymizer.method, padding: this.cfg.anonymizer.padding },
          async (o) => {
            await writeOut(o.frame);
            if (pipeline!.held < maxPending) decoder.stdout.resume();
          },
          { onFailed: () => decoder.kill() },
        )
      : undefined;
    const held = () => (pipeline ? pipeline.held : passHeld);

    const frames = new RawFrameSplitter(
      i420Size(width, height),
      (data) => {
        const frame: DecodedFrame = { data, width, height, seq: seq++, pts: 0, at: Date.now() };
        if (pipeline) return pipeline.push(frame);
        passHeld++;
        passing = passing.then(async () => {
          await writeOut(frame);
          passHeld--;
          if (passHeld < maxPending) decoder.stdout.resume();
        });
      },
      pool.take,
    );
    decoder.stdout.on('data', (chunk: Buffer) => {
      const t = process.hrtime.bigint();
      frames.push(chunk);
      stages.frameInMs += since(t);
      if (held() >= maxPending) decoder.stdout.pause();
    });
    const dexit = await decoder.exited;
    let failure: Error | undefined;
    try {
      if (pipeline) await pipeline.end();
      else await passing;
    } catch (e) {
      failure = e instanceof DetectionFailed ? new ClipError(`anonymizer unavailable, export stopped (no frame is written unredacted): ${e.message}`) : (e as Error);
    }
    encoder.stdin.end();
    const eexit = await encoder.exited;
    if (failure) throw failure;
    if (dexit.code !== 0) throw new ClipError(`decoding the recordings failed: ${decoder.lastLines(2).join(' | ')}`);
    if (eexit.code !== 0) throw new ClipError(`encoding the clip failed: ${encoder.lastLines(2).join(' | ')}`);
    if (done === 0) throw new ClipError('the recordings held no decodable frame');
    if (held()) throw new ClipError(`${held()} frames were left unwritten`);
    if (pipeline) this.lastStages = { ...stages, detections: pipeline.stats.detections, redactMs: pipeline.redactMs, detectCopyMs: cost.copyMs, detectSendMs: cost.sendMs };
  }
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!existsSync(file)) return reject(new Error(`${file} does not exist`));
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
