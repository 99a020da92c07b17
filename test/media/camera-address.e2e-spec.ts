import { readdirSync, readFileSync } from 'node:fs';
import { RecordingService } from '../../apps/media/src/recording/recording.service';
import { freePort } from '../support/ports';
import { CameraSim } from './support/camera-sim';
import { eventually, startMediaHarness, type MediaHarness } from './support/harness';

/**
 * The command lines of this test's own processes (the media node's ffmpeg children among them), as any
 * local user can read them. Other processes on the machine are left out: a CI runner's own command line
 * may hold any word.
 */
function commandLines(): string[] {
  const parent = new Map<string, string>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      // stat is "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      // gone meanwhile
    }
  }
  const ours = (pid: string | undefined): boolean =>
    pid !== undefined && pid !== '0' && (pid === String(process.pid) || ours(parent.get(pid)));
  const out: string[] = [];
  for (const pid of [...parent.keys()].filter((p) => ours(p))) {
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * The media node pulling RTSP cameras: the camera password never reaches a command line or a log,
 * the address is checked again at connection time, and users see fixed texts, not network errors.
 */
describe('media node: camera addresses and credentials', () => {
  let h: MediaHarness;
  let camera: CameraSim;
  /** Everything the media node logs, at every level. */
  const written: string[] = [];
  // A password holding ' @ : % (the gateway hands it over percent-encoded where URLs need it).
  const password = "it's@a:100%secret";
  const user = "op'erator";
  const encoded = (s: string) => encodeURIComponent(s).replace(/'/g, "'");

  beforeAll(async () => {
    camera = new CameraSim(await freePort(), ['--testsrc', '320x240']);
    await camera.start();
    h = await startMediaHarness({ env: { LOG_LEVEL: 'debug' } });
    const capture = (...args: unknown[]) => void written.push(args.map(String).join(' '));
    h.app.useLogger({ log: capture, warn: capture, error: capture, debug: capture, verbose: capture, fatal: capture });
  }, 60000);

  afterAll(async () => {
    await h?.close();
    await camera?.stop();
  });

  const pull = async (id: string, url: string) => {
    h.gateway.cameras.set(id, { id, name: id, kind: 'fixed', ingest: { type: 'rtsp', url, rtspTransport: 'tcp' }, recordingEnabled: true, retentionDays: 1, redaction: {} });
    await h.app.get(RecordingService).sync();
  };
  const stop = async (id: string) => {
    h.gateway.cameras.delete(id);
    await h.app.get(RecordingService).sync();
  };

  it("keeps a password holding ' @ : % off every command line and out of the logs", async () => {
    const url = camera.url.replace('rtsp://', `rtsp://${encoded(user)}:${encoded(password)}@`);
    expect(url).toContain("it's%40a%3A100%25secret");
    await pull('cam-pw', url);
    await eventually(() => h.gateway.lastState('cam-pw')?.state, (s) => s === 'online', 20000, 'camera online');
    const lines = commandLines();
    // the ingest is running (its command line is there), without the camera in it
    expect(lines.some((l) => l.includes('ffmpeg') && l.includes('concat') && l.includes('pipe:0'))).toBe(true);
    for (const piece of ["it's", '100%', 'secret', encoded(password), "op'erator"]) {
      expect(lines.filter((l) => l.includes(piece))).toEqual([]);
    }
    await stop('cam-pw');
    // a failing camera with the same password: its errors are logged, the password is not
    await pull('cam-pw-closed', `rtsp://${encoded(user)}:${encoded(password)}@127.0.0.1:${await freePort()}/cam`);
    await eventually(() => h.gateway.lastState('cam-pw-closed')?.state, (s) => s === 'offline', 20000, 'closed port offline');
    await stop('cam-pw-closed');
    const log = written.join('');
    expect(log).toMatch(/probe failed|camera connection ended/);
    for (const piece of ['secret', encoded(password), 'erator']) expect(log).not.toContain(piece);
  }, 60000);

  it('shows users fixed texts, not the network error (no port scanning through stateReason)', async () => {
    await pull('cam-closed', `rtsp://127.0.0.1:${await freePort()}/cam`);
    await eventually(() => h.gateway.lastState('cam-closed')?.state, (s) => s === 'offline', 20000, 'offline');
    expect(h.gateway.lastState('cam-closed')!.reason).toBe('camera not reachable');
    await stop('cam-closed');
  }, 30000);

  it('checks the address again when connecting: a camera outside the allowed networks is never dialled', async () => {
    const before = h.processes.started.length;
    // registered earlier, or under rules that changed since: 10.x is not in this node's allowed networks
    await pull('cam-outside', 'rtsp://10.20.30.40:554/stream');
    await eventually(() => h.gateway.lastState('cam-outside')?.state, (s) => s === 'error', 10000, 'refused');
    expect(h.gateway.lastState('cam-outside')!.reason).toBe('camera address not allowed (outside cameras.allowedNetworks)');
    // a host name is resolved and checked too (localhost is loopback: allowed here only as 127.0.0.0/8)
    await pull('cam-metadata', 'rtsp://169.254.169.254/latest');
    await eventually(() => h.gateway.lastState('cam-metadata')?.state, (s) => s === 'error', 10000, 'metadata refused');
    await stop('cam-outside');
    await stop('cam-metadata');
    expect(h.processes.started.slice(before).filter(({ args }) => args.includes('concat'))).toEqual([]);
  }, 30000);
});
