import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { decodeRawArgs, encodeMp4Args, fileProbeArgs, RawFrameSplitter, type EncodeMp4Options } from '@borderlens/media';
import { i420Size } from '@borderlens/redaction';
import { InputError } from './image.repository';

export interface VideoInfo {
  width: number;
  height: number;
  /** Frame rate for the encoder, e.g. '25/1'. */
  fps: string;
  hasAudio: boolean;
  durationSec: number;
}

/** Runs ffmpeg and ffprobe (spawned directly) for video files. */
export class FfmpegRepository {
  constructor(
    private readonly ffmpeg = 'ffmpeg',
    private readonly ffprobe = 'ffprobe',
  ) {}

  async probe(path: string): Promise<VideoInfo> {
    const { code, stdout, stderr } = await run(this.ffprobe, fileProbeArgs(path));
    if (code !== 0) throw new InputError(`not a readable video: ${lastLine(stderr) || `ffprobe exited with ${code}`}`);
    const json = JSON.parse(stdout) as { streams?: ProbeStream[]; format?: { duration?: string } };
    const video = json.streams?.find((s) => s.codec_type === 'video');
    if (!video?.width || !video.height) throw new InputError('no video stream');
    const rotation = Math.abs(Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0)) % 180;
    const [width, height] = rotation === 90 ? [video.height, video.width] : [video.width, video.height];
    const fps = [video.avg_frame_rate, video.r_frame_rate].find((r) => r && /^\d+\/[1-9]\d*$/.test(r) && !r.startsWith('0/')) ?? '25/1';
    return { width, height, fps, hasAudio: !!json.streams?.some((s) => s.codec_type === 'audio'), durationSec: Number(json.format?.duration ?? 0) };
  }

  /** Decoded yuv420p frames of width x height, one Buffer each; throws when ffmpeg fails. */
  async *frames(path: string, width: number, height: number): AsyncGenerator<Buffer> {
    const size = i420Size(width, height);
    const proc = spawn(this.ffmpeg, decodeRawArgs(path), { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr = collect(proc);
    const exited = once(proc, 'close') as Promise<[number | null, string | null]>;
    // The same frame cutting as the media node's decoders.
    const ready: Buffer[] = [];
    const splitter = new RawFrameSplitter(size, (f) => ready.push(f));
    try {
      for await (const chunk of proc.stdout!) {
        splitter.push(chunk as Buffer);
        while (ready.length) yield ready.shift()!;
      }
      const [code, signal] = await exited;
      if (code !== 0) throw new InputError(`video decoding failed: ${lastLine(stderr()) || `ffmpeg exited with ${code ?? signal}`}`);
      if (splitter.partial !== 0) throw new InputError('video decoding ended inside a frame');
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }

  /** An H.264 MP4 encoder fed with raw yuv420p frames. */
  encoder(o: EncodeMp4Options): Mp4Encoder {
    return new Mp4Encoder(spawn(this.ffmpeg, encodeMp4Args(o), { stdio: ['pipe', 'ignore', 'pipe'] }));
  }
}

export class Mp4Encoder {
  private readonly stderr: () => string;
  private readonly exited: Promise<[number | null, string | null]>;
  private failed?: Error;

  constructor(private readonly proc: ChildProcess) {
    this.stderr = collect(proc);
    this.exited = once(proc, 'close') as Promise<[number | null, string | null]>;
    proc.stdin!.on('error', (e) => (this.failed ??= e));
  }

  async write(frame: Uint8Array): Promise<void> {
    if (this.failed || this.proc.exitCode !== null) throw new Error(`video encoding failed: ${lastLine(this.stderr()) || this.failed?.message || 'ffmpeg exited'}`);
    if (!this.proc.stdin!.write(frame)) await Promise.race([once(this.proc.stdin!, 'drain'), this.exited]);
  }

  async end(): Promise<void> {
    this.proc.stdin!.end();
    const [code, signal] = await this.exited;
    if (code !== 0) throw new Error(`video encoding failed: ${lastLine(this.stderr()) || `ffmpeg exited with ${code ?? signal}`}`);
  }

  abort(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

interface ProbeStream {
  codec_type?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

function collect(proc: ChildProcess): () => string {
  let text = '';
  proc.stderr?.on('data', (d: Buffer) => {
    text = (text + d.toString('utf8')).slice(-4000);
  });
  return () => text;
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.trim() ?? '';
}

async function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  const stderr = collect(proc);
  const [code] = (await once(proc, 'close')) as [number | null];
  return { code, stdout, stderr: stderr() };
}
