import { spawn, type ChildProcess } from 'node:child_process';
import { Injectable } from '@nestjs/common';
import type { Readable, Writable } from 'node:stream';
import { redactCredentials } from './ffmpeg-args';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Open fd 3 as an extra readable pipe (segment lists). */
  fd3?: boolean;
  env?: NodeJS.ProcessEnv;
  /** stderr lines kept for error messages. */
  keepLines?: number;
}

/**
 * One running ffmpeg/ffprobe. stderr is split into lines (credentials hidden) and the last ones are
 * kept to explain a failure; stop() asks politely (SIGINT lets ffmpeg finish its files), then kills.
 */
export class MediaProcess {
  readonly exited: Promise<ProcessExit>;
  private readonly tail: string[] = [];
  private readonly lineListeners: ((line: string) => void)[] = [];
  private partial = '';
  private done = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly keepLines = 40,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
      child.once('error', () => {
        // spawn failure (binary missing): reported as an exit without a code
        this.done = true;
        resolve({ code: null, signal: null });
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.onStderr(chunk));
    // A reader that went away must not crash the node with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdout?.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  get stdout(): Readable {
    return this.child.stdout!;
  }

  get stdin(): Writable {
    return this.child.stdin!;
  }

  get fd3(): Readable {
    return this.child.stdio[3] as Readable;
  }

  /** The last stderr lines, credentials hidden. */
  lastLines(n = this.keepLines): string[] {
    return this.tail.slice(-n);
  }

  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  /** Writes to stdin unless the process is gone; false when the pipe is full (caller may drop). */
  write(data: Uint8Array): boolean {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed || this.done) return false;
    return stdin.write(data);
  }

  async stop(graceMs = 2000): Promise<ProcessExit> {
    if (!this.done) {
      this.child.stdin?.end();
      this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }

  kill(): void {
    if (!this.done) this.child.kill('SIGKILL');
  }

  private onStderr(chunk: string): void {
    const lines = (this.partial + chunk).split(/\r?\n|\r/);
    this.partial = lines.pop() ?? '';
    for (const raw of lines) {
      if (!raw.trim()) continue;
      const line = redactCredentials(raw);
      this.tail.push(line);
      if (this.tail.length > this.keepLines * 2) this.tail.splice(0, this.tail.length - this.keepLines);
      // Listeners see the original line (they may need a key); they must not log it as is.
      for (const l of this.lineListeners) l(raw);
    }
  }
}

/** Starts ffmpeg and ffprobe. The only place the media node spawns processes, so tests can fake it. */
@Injectable()
export class ProcessRepository {
  ffmpegPath = process.env.FFMPEG_PATH || 'ffmpeg';
  ffprobePath = process.env.FFPROBE_PATH || 'ffprobe';

  ffmpeg(args: string[], opts: SpawnOptions = {}): MediaProcess {
    return this.start(this.ffmpegPath, args, opts);
  }

  ffprobe(args: string[], opts: SpawnOptions = {}): MediaProcess {
    return this.start(this.ffprobePath, args, opts);
  }

  private start(bin: string, args: string[], opts: SpawnOptions): MediaProcess {
    const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe'];
    if (opts.fd3) stdio.push('pipe');
    const child = spawn(bin, args, { stdio, env: opts.env ?? process.env });
    return new MediaProcess(child, opts.keepLines);
  }
}

/** Runs a process to its end and collects stdout (for ffprobe and short jobs). */
export async function collect(proc: MediaProcess, timeoutMs: number): Promise<{ exit: ProcessExit; stdout: string; timedOut: boolean }> {
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (c: Buffer) => chunks.push(c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill();
  }, timeoutMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  return { exit, stdout: Buffer.concat(chunks).toString('utf8'), timedOut };
}
