import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { RecorderService } from '../../apps/media/src/recording/recorder.service';
import { freeLoopbackPort } from '@borderlens/common';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
import { eventually, startMediaHarness, type MediaHarness } from '../support/media/harness';

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
  const ours = (pid: string | undefined): boolean => pid !== undefined && pid !== '0' && (pid === String(process.pid) || ours(parent.get(pid)));
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

/** A TCP forwarder to a real camera that counts who connects through it (the redirect's target). */
async function countingForwarder(to: number): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const sockets = new Set<Socket>();
  const server = createServer((c) => {
    n++;
    const up = connect(to, '127.0.0.1');
    for (const s of [c, up]) {
      sockets.add(s);
      s.on('error', () => (c.destroy(), up.destroy()));
      s.on('close', () => (c.destroy(), up.destroy()));
    }
    c.pipe(up).pipe(c);
  });
  const port = await freeLoopbackPort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, connections: () => n, close: () => (sockets.forEach((s) => s.destroy()), new Promise((r) => server.close(() => r()))) };
}

/**
 * A tiny RTSP server that answers OPTIONS, then DESCRIBE with a redirect (302, or 301) to `location`;
 * with `serverRedirect` it answers DESCRIBE with 200 and sends a REDIRECT request of its own instead.
 */
async function redirectingCamera(location: string, status = 302): Promise<{ port: number; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    let buf = '';
    sock.on('data', (c) => {
      buf += c.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const method = head.split(' ')[0];
        requests.push(method);
        const cseq = /CSeq:\s*(\d+)/i.exec(head)?.[1] ?? '0';
        if (method === 'OPTIONS') sock.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n`);
        else if (method === 'DESCRIBE') sock.write(`RTSP/1.0 ${status} ${status === 301 ? 'Moved Permanently' : 'Found'}\r\nCSeq: ${cseq}\r\nLocation: ${location}\r\n\r\n`);
        else sock.write(`RTSP/1.0 455 Method Not Valid in This State\r\nCSeq: ${cseq}\r\n\r\n`);
      }
    });
  });
  const port = await freeLoopbackPort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, requests, close: () => (sockets.forEach((s) => s.destroy()), new Promise((r) => server.close(() => r()))) };
}

/** ffprobe run directly (not through the media node) on a URL; resolves when it exits. */
function ffprobeDirect(url: string): Promise<number | null> {
  return new Promise((r) => {
    const p = spawn('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', '3000000', '-show_streams', url], { stdio: 'ignore' });
    const t = setTimeout(() => p.kill('SIGKILL'), 10000);
    p.on('exit', (code) => (clearTimeout(t), r(code)));
  });
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
    camera = new CameraSim(await freeLoopbackPort(), ['--testsrc', '320x240']);
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
    await h.app.get(RecorderService).sync();
  };
  const stop = async (id: string) => {
    h.gateway.cameras.delete(id);
    await h.app.get(RecorderService).sync();
  };

  it("keeps a password holding ' @ : % off every command line and out of the logs", async () => {
    const url = camera.url.replace('rtsp://', `rtsp://${encoded(user)}:${encoded(password)}@`);
    expect(url).toContain("it's%40a%3A100%25secret");
    await pull('cam-pw', url);
    await eventually(
      () => h.gateway.lastState('cam-pw')?.state,
      (s) => s === 'online',
      20000,
      'camera online',
    );
    const lines = commandLines();
    // the ingest is running (its command line is there), without the camera in it
    expect(lines.some((l) => l.includes('ffmpeg') && l.includes('concat') && l.includes('pipe:0'))).toBe(true);
    for (const piece of ["it's", '100%', 'secret', encoded(password), "op'erator"]) {
      expect(lines.filter((l) => l.includes(piece))).toEqual([]);
    }
    await stop('cam-pw');
    // a failing camera with the same password: its errors are logged, the password is not
    await pull('cam-pw-closed', `rtsp://${encoded(user)}:${encoded(password)}@127.0.0.1:${await freeLoopbackPort()}/cam`);
    await eventually(
      () => h.gateway.lastState('cam-pw-closed')?.state,
      (s) => s === 'offline',
      20000,
      'closed port offline',
    );
    await stop('cam-pw-closed');
    const log = written.join('');
    expect(log).toMatch(/probe failed|camera connection ended/);
    for (const piece of ['secret', encoded(password), 'erator']) expect(log).not.toContain(piece);
  }, 60000);

  it('shows users fixed texts, not the network error (no port scanning through stateReason)', async () => {
    await pull('cam-closed', `rtsp://127.0.0.1:${await freeLoopbackPort()}/cam`);
    await eventually(
      () => h.gateway.lastState('cam-closed')?.state,
      (s) => s === 'offline',
      20000,
      'offline',
    );
    expect(h.gateway.lastState('cam-closed')!.reason).toBe('camera not reachable');
    await stop('cam-closed');
  }, 30000);

  it('checks the address again when connecting: a camera outside the allowed networks is never dialled', async () => {
    const before = h.processes.started.length;
    // registered earlier, or under rules that changed since: 10.x is not in this node's allowed networks
    await pull('cam-outside', 'rtsp://10.20.30.40:554/stream');
    await eventually(
      () => h.gateway.lastState('cam-outside')?.state,
      (s) => s === 'error',
      10000,
      'refused',
    );
    expect(h.gateway.lastState('cam-outside')!.reason).toBe('camera address not allowed (outside cameras.allowedNetworks)');
    // a host name is resolved and checked too (localhost is loopback: allowed here only as 127.0.0.0/8)
    await pull('cam-metadata', 'rtsp://169.254.169.254/latest');
    await eventually(
      () => h.gateway.lastState('cam-metadata')?.state,
      (s) => s === 'error',
      10000,
      'metadata refused',
    );
    await stop('cam-outside');
    await stop('cam-metadata');
    expect(h.processes.started.slice(before).filter(({ args }) => args.includes('concat'))).toEqual([]);
  }, 30000);

  describe('RTSP redirects', () => {
    it.each([302, 301])(
      'never plays the camera a %i redirect points at, also inside the allowed networks',
      async (status) => {
        // the real camera behind a forwarder that counts every connection to it
        const target = await countingForwarder(Number(new URL(camera.url).port));
        const location = `rtsp://127.0.0.1:${target.port}${new URL(camera.url).pathname}`;
        const redirector = await redirectingCamera(location, status);
        try {
          // the attack is real: ffmpeg on its own follows the redirect to the other camera
          await ffprobeDirect(`rtsp://127.0.0.1:${redirector.port}/cam`);
          expect(target.connections()).toBeGreaterThan(0);
          const followedAlone = target.connections();

          const id = `cam-redirect-${status}`;
          await pull(id, `rtsp://127.0.0.1:${redirector.port}/cam`);
          await eventually(
            () => h.gateway.lastState(id)?.state,
            (s) => s === 'error',
            20000,
            'redirect refused',
          );
          expect(h.gateway.lastState(id)!.reason).toBe('camera sent an RTSP redirect (not followed)');
          // let it retry at least once (back-off 300 ms): still refused, never online
          await eventually(
            () => redirector.requests.filter((m) => m === 'DESCRIBE').length,
            (n) => n >= 2,
            20000,
            'a second attempt',
          );
          await stop(id);
          expect(h.gateway.states.filter((s) => s.cameraId === id).map((s) => s.state)).not.toContain('online');
          // nothing of the media node reached the redirect's target
          expect(target.connections()).toBe(followedAlone);
          expect(written.join('\n')).toMatch(new RegExp(`camera ${id} refused: camera answered RTSP/1.0 ${status}.* to rtsp://127.0.0.1:${target.port}/cam`));
        } finally {
          await redirector.close();
          await target.close();
        }
      },
      60000,
    );
  });
});
