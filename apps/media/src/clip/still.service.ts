import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { RecordingStill, RecordingStillRequest } from '@borderlens/contracts';
import { i420Size, maskI420, redactI420 } from '@borderlens/redaction';
import { probe, MediaProcess, ProcessRepository } from '@borderlens/media';
import { SegmentStore } from '../recording/segment.store';
import { FrameDetection } from '../transport/frame-detection';
import { DetectorPort } from '../transport/ports';
import { ClipError, ClipNotFound } from './clip.service';

const ID = /^[\w.-]{1,128}$/;
const DETECT_TIMEOUT_MS = 10_000;

/** Everything a process writes to stdout, and its exit. */
async function output(proc: MediaProcess, input?: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (c: Buffer) => chunks.push(c));
  if (input) proc.stdin.end(input);
  const exit = await proc.exited;
  if (exit.code !== 0) throw new Error(`ffmpeg failed: ${proc.lastLines(2).join(' | ')}`);
  return Buffer.concat(chunks);
}

/**
 * Anonymized stills of recordings, to choose a clip range: the frame is decoded at full size, faces
 * and plates detected on the usual downscaled copy and redacted at full size, then scaled down and
 * encoded as JPEG. Fail closed: if detection fails the whole picture is masked.
 */
@Injectable()
export class StillService {
  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly processes: ProcessRepository,
    private readonly store: SegmentStore,
    private readonly detector: DetectorPort,
  ) {}

  async still(req: RecordingStillRequest): Promise<RecordingStill> {
    if (!req || typeof req.cameraId !== 'string' || !ID.test(req.cameraId)) throw new ClipError('cameraId is not a camera id');
    const at = new Date(req?.at);
    if (Number.isNaN(at.getTime())) throw new ClipError('at must be an ISO time');
    const outWidth = Math.max(64, Math.min(1280, Math.round(Number(req.width) || 320))) & ~1;
    const segment = this.store.list(req.cameraId).filter((f) => f.startedAt <= at).pop();
    if (!segment) throw new ClipNotFound(`no recording of camera ${req.cameraId} at ${at.toISOString()}`);
    const info = await probe(this.processes, segment.abs, { timeoutMs: 15000 });
    const offset = (at.getTime() - segment.startedAt.getTime()) / 1000;
    if (offset > (info.duration ?? 0) + 1) throw new ClipNotFound(`no recording of camera ${req.cameraId} at ${at.toISOString()}`);
    const { width, height } = info;
    const frame = await output(
      this.processes.ffmpeg(['-hide_banner', '-nostdin', '-loglevel', 'error', '-ss', offset.toFixed(3), '-i', segment.abs, '-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${width}:${height},format=yuv420p`, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']),
    );
    if (frame.length < i420Size(width, height)) throw new ClipNotFound(`no decodable frame of camera ${req.cameraId} at ${at.toISOString()}`);
    const data = frame.subarray(0, i420Size(width, height));
    let masked = false;
    try {
      const boxes = await new FrameDetection(this.detector, this.cfg.media.detectWidth).detect({ data, width, height }, DETECT_TIMEOUT_MS);
      redactI420(data, width, height, boxes, { method: this.cfg.anonymizer.method, padding: this.cfg.anonymizer.padding });
    } catch {
      maskI420(data, width, height);
      masked = true;
    }
    const jpeg = await output(
      this.processes.ffmpeg(['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-i', 'pipe:0', '-vf', `scale=${outWidth}:-2`, '-frames:v', '1', '-q:v', '4', '-f', 'mjpeg', 'pipe:1']),
      Buffer.from(data),
    );
    return { cameraId: req.cameraId, at: at.toISOString(), jpeg: jpeg.toString('base64'), masked };
  }
}
