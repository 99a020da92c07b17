import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import { MediaProcess, ProcessRepository, type SpawnOptions } from '@borderlens/media';

/** A scripted stand-in for an ffmpeg/ffprobe child: the test writes its stdout/stderr and ends it. */
export class FakeChild extends EventEmitter {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly fd3 = new PassThrough();
  readonly stdio: unknown[];
  pid = Math.floor(Math.random() * 100000);
  killed: string[] = [];
  stdinData: Buffer[] = [];

  constructor(
    readonly bin: 'ffmpeg' | 'ffprobe',
    readonly args: string[],
  ) {
    super();
    this.stdio = [this.stdin, this.stdout, this.stderr, this.fd3];
    this.stdin.on('data', (c: Buffer) => this.stdinData.push(c));
  }

  kill(signal: string = 'SIGTERM'): boolean {
    this.killed.push(signal);
    this.exit(null, signal as NodeJS.Signals);
    return true;
  }

  /** Ends the process as if it exited. */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.listenerCount('close') === 0 && this.exited) return;
    this.exited = true;
    setImmediate(() => {
      this.stdout.end();
      this.stderr.end();
      this.emit('close', code, signal);
    });
  }

  private exited = false;

  /** Writes stderr lines. */
  say(...lines: string[]): void {
    this.stderr.write(lines.map((l) => l + '\n').join(''));
  }
}

/** ProcessRepository that hands out FakeChild processes, scripted by `onSpawn`. */
export class FakeProcesses extends ProcessRepository {
  readonly spawned: FakeChild[] = [];

  constructor(private readonly onSpawn: (child: FakeChild) => void = () => undefined) {
    super();
  }

  override ffmpeg(args: string[], opts: SpawnOptions = {}): MediaProcess {
    return this.make('ffmpeg', args, opts);
  }

  override ffprobe(args: string[], opts: SpawnOptions = {}): MediaProcess {
    return this.make('ffprobe', args, opts);
  }

  of(bin: 'ffmpeg' | 'ffprobe'): FakeChild[] {
    return this.spawned.filter((c) => c.bin === bin);
  }

  private make(bin: 'ffmpeg' | 'ffprobe', args: string[], opts: SpawnOptions): MediaProcess {
    const child = new FakeChild(bin, args);
    this.spawned.push(child);
    const proc = new MediaProcess(child as unknown as ChildProcess, opts.keepLines);
    setImmediate(() => this.onSpawn(child));
    return proc;
  }
}

/** ffprobe's JSON for one video stream. */
export function probeJson(codec = 'h264', width = 1280, height = 720): string {
  return JSON.stringify({ streams: [{ codec_type: 'video', codec_name: codec, width, height, avg_frame_rate: '25/1' }], format: {} });
}

export async function waitFor(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
