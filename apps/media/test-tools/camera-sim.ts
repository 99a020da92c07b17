import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

// the script sits beside this file in the source tree (also when this runs from dist/)
const SCRIPT = resolve(__dirname.replace(/\/dist\/apps\//, '/apps/'), 'rtsp-server.py');

/** The GStreamer RTSP camera simulator (apps/media/test-tools/rtsp-server.py) as a child process. */
export class CameraSim {
  private child?: ChildProcess;
  private feeder?: ChildProcess;
  url = '';

  constructor(
    private readonly port: number,
    private readonly args: string[],
    private readonly path = '/cam',
  ) {}

  async start(): Promise<string> {
    const child = spawn('/usr/bin/python3', [SCRIPT, '--host', '127.0.0.1', '--port', String(this.port), '--path', this.path, ...this.args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    // whoever feeds --stdin may still write after the simulator is gone
    child.stdin!.on('error', () => undefined);
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    this.url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`camera simulator did not start: ${err}`)), 15000);
      child.stdout!.on('data', (c: Buffer) => {
        const m = /READY (\S+)/.exec(c.toString());
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      });
      child.once('exit', (code) => fail(new Error(`camera simulator exited with ${code}: ${err}`)));
    });
    return this.url;
  }

  /** Raw yuv420p frames for a simulator started with --rawstdin. */
  get stdin() {
    return this.child!.stdin!;
  }

  /**
   * Feeds a simulator started with --stdin from ffmpeg in real time (-re): `input` is ffmpeg's input
   * and codec options for H.264. One write per frame (-flush_packets 1): the simulator stamps each
   * frame when it arrives.
   */
  feed(input: string[]): ChildProcess {
    const feeder = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', ...input, '-f', 'h264', '-flush_packets', '1', '-'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    feeder.stdout!.pipe(this.child!.stdin!);
    this.feeder = feeder;
    return feeder;
  }

  async stop(): Promise<void> {
    this.feeder?.kill('SIGKILL');
    this.feeder = undefined;
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
}
