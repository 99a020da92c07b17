import { collect, type ProcessRepository } from './process.repository';
import { probeArgs, rtspSourceList, type RtspTransport } from './ffmpeg-args';

/** Codecs the node can carry: browsers get the camera's own H.264 (raw) or our H.264 (anonymized). */
export const SUPPORTED_VIDEO_CODECS = ['h264'] as const;

export interface VideoInfo {
  codec: string;
  profile?: string;
  width: number;
  height: number;
  /** Frames per second (0 when the stream does not say). */
  fps: number;
  /** Seconds (files only). */
  duration?: number;
}

/** An input the node cannot use: the message is safe to show (no credentials). */
export class UnsupportedStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedStreamError';
  }
}

/** The input could not be read at all (unreachable, refused, timed out, not a media stream). */
export class ProbeFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeFailedError';
  }
}

export function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split('/').map(Number);
  const v = d ? n / d : n;
  return Number.isFinite(v) && v > 0 && v < 1000 ? Math.round(v * 1000) / 1000 : 0;
}

interface FfprobeJson {
  streams?: { codec_type?: string; codec_name?: string; profile?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; duration?: string }[];
  format?: { duration?: string; format_name?: string };
}

/** Reads ffprobe's JSON; throws UnsupportedStreamError for streams the node cannot serve. */
export function videoInfoFromProbe(json: FfprobeJson): VideoInfo {
  const v = json.streams?.find((s) => s.codec_type === 'video');
  if (!v) throw new UnsupportedStreamError('the stream has no video track');
  checkCodec(v.codec_name ?? 'unknown');
  if (!v.width || !v.height) throw new UnsupportedStreamError(`the ${v.codec_name} video has no picture size`);
  const duration = Number(json.format?.duration ?? v.duration);
  return {
    codec: v.codec_name!,
    profile: v.profile,
    width: v.width,
    height: v.height,
    fps: parseRate(v.avg_frame_rate) || parseRate(v.r_frame_rate),
    ...(Number.isFinite(duration) ? { duration } : {}),
  };
}

export function checkCodec(codec: string): void {
  if (!(SUPPORTED_VIDEO_CODECS as readonly string[]).includes(codec)) {
    throw new UnsupportedStreamError(`unsupported video codec '${codec}' (supported: ${SUPPORTED_VIDEO_CODECS.join(', ')})`);
  }
}

/** Probes a camera URL or a file with ffprobe. */
export async function probe(
  processes: ProcessRepository,
  target: string,
  opts: { rtsp?: { transport: RtspTransport; timeoutSec: number }; timeoutMs?: number } = {},
): Promise<VideoInfo> {
  const proc = processes.ffprobe(probeArgs(target, opts.rtsp));
  if (opts.rtsp) proc.stdin.end(rtspSourceList({ url: target, ...opts.rtsp }, false));
  const timeoutMs = opts.timeoutMs ?? (opts.rtsp ? opts.rtsp.timeoutSec * 1000 + 2000 : 15000);
  const { exit, stdout, timedOut } = await collect(proc, timeoutMs);
  if (timedOut) throw new ProbeFailedError(`no answer within ${timeoutMs} ms`);
  if (exit.code !== 0) {
    const last = proc.lastLines(1)[0];
    const why = last ? last.replace(/\[[\w:./-]+ @ 0x[0-9a-f]+\]\s*/g, '').trim() : `ffprobe exited with ${exit.code ?? exit.signal}`;
    throw new ProbeFailedError(why);
  }
  let json: FfprobeJson;
  try {
    json = JSON.parse(stdout) as FfprobeJson;
  } catch {
    throw new ProbeFailedError('ffprobe gave no readable answer');
  }
  return videoInfoFromProbe(json);
}
