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
    const segments = this.store.list(req.cameraId);
    const i = segments.findLastIndex((f) => f.startedAt <= at);
    const segment = segments[i];
    if (!segment) throw new ClipNotFound(`no recording of camera ${req.cameraId} at ${at.toISOString()}`);
    const info = await probe(this.processes, segment.abs, { timeoutMs: 15000 });
    const offset = (at.getTime() - segment.startedAt.getTime()) / 1000;
    // Past the segment's content: nothing there, unless the next segment starts later (see frameAt).
    if (offset > (info.duration ?? 0) + 1 && !segments[i + 1]) throw new ClipNotFound(`no recording of camera ${req.cameraId} at ${at.toISOString()}`);
    const { width, height } = info;
    const data = await this.frameAt(segment.abs, offset, width, height);
    if (!data) throw new ClipNotFound(`no decodable frame of camera ${req.cameraId} at ${at.toISOString()}`);
    let masked = false;
    try {
      const boxes = await new FrameDetection(this.detector, this.cfg.media.detectWidth).detect({ data, width, height }, DETECT_TIMEOUT_MS);
      redactI420(data, width, height, boxes, { method: this.cfg.anonymizer.method, padding: this.cfg.anonymizer.padding });
    } catch {
      maskI420(data, width, height);
      masked = true;
    }
    const jpeg = await output(
      this.processes.ffmpeg([
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'yuv420p',
        '-s',
        `${width}x${height}`,
        '-i',
        'pipe:0',
        '-vf',
        `scale=${outWidth}:-2`,
        '-frames:v',
        '1',
        '-q:v',
        '4',
        '-f',
        'mjpeg',
        'pipe:1',
      ]),
      Buffer.from(data),
    );
    return { cameraId: req.cameraId, at: at.toISOString(), jpeg: jpeg.toString('base64'), masked };
  }

  /**
   * The frame shown `offset` seconds into a segment, as I420 at its size. ffmpeg 5.1 seeking an
   * MPEG-TS input (`-ss T -i file.ts`) lands on the first keyframe at or after T, not before it: a
   * still showed the next keyframe's picture (up to a GOP late), and none at all in the last GOP
   * (with 2 s segments and a keyframe a second, half of the previews answered 503). So the input is
   * sought to the keyframe before the time (found by demuxing only) and decoded up to the time.
   * A time past the last frame takes the last frame: a file is named by the wall clock its first
   * frame arrived at, and its frames may span less than the wall clock until the next file (a camera
   * that lagged), so such a time is still this segment's.
   */
  private async frameAt(abs: string, offset: number, width: number, height: number): Promise<Buffer | null> {
    const { keyframes, last } = await videoPackets(this.processes, abs);
    const target = Math.max(0, Math.min(offset, last));
    // Just before the keyframe: where the demuxer lands whether it seeks forward or backward.
    const seek = Math.max(0, (keyframes.filter((k) => k <= target).pop() ?? 0) - 0.001);
    return this.decode(abs, seek, target - seek, width, height);
  }

  /** One frame: the input sought to `seekInput`, then decoded `thenSkip` seconds further. */
  private async decode(abs: string, seekInput: number, thenSkip: number, width: number, height: number): Promise<Buffer | null> {
    // Milliseconds rounded down: a time rounded past the last frame would find none.
    const sec = (s: number) => (Math.floor(s * 1000) / 1000).toFixed(3);
    const frame = await output(
      this.processes.ffmpeg([
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        ...(seekInput > 0 ? ['-ss', sec(seekInput)] : []),
        '-i',
        abs,
        ...(thenSkip > 0 ? ['-ss', sec(thenSkip)] : []),
        '-map',
        '0:v:0',
        '-frames:v',
        '1',
        '-vf',
        `scale=${width}:${height},format=yuv420p`,
        '-f',
        'rawvideo',
        '-pix_fmt',
        'yuv420p',
        'pipe:1',
      ]),
    );
    return frame.length >= i420Size(width, height) ? frame.subarray(0, i420Size(width, height)) : null;
  }
}

/** A file's video packets, demuxed only (no decoding): its keyframes' times and its last packet's, from its first packet. */
async function videoPackets(processes: ProcessRepository, abs: string): Promise<{ keyframes: number[]; last: number }> {
  const csv = await output(processes.ffprobe(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', abs]));
  const packets = csv
    .toString()
    .split('\n')
    .map((l) => l.split(','))
    .filter(([t]) => t && Number.isFinite(Number(t)))
    .map(([t, flags]) => ({ t: Number(t), key: (flags ?? '').includes('K') }));
  if (!packets.length) return { keyframes: [], last: 0 };
  const first = Math.min(...packets.map((p) => p.t));
  return { keyframes: packets.filter((p) => p.key).map((p) => p.t - first), last: Math.max(...packets.map((p) => p.t)) - first };
}
