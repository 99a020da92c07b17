import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe, ProcessRepository } from '@borderlens/media';
import { RecorderService } from '../../apps/media/src/recording/recorder.service';
import { recordingRoot } from '../../apps/media/src/recording/segment.store';
import { freeLoopbackPort } from '@borderlens/common';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
import { loadConfig } from '@borderlens/config';
import { eventually, startMediaHarness, testEnv, type MediaHarness } from '../support/media/harness';
import { startFakeGateway, type FakeGatewayState } from '../support/media/fake-gateway';

/** Continuous recording from a GStreamer RTSP camera: segments, index reports, retention, disk guard, crash recovery. */
describe('media node: recording', () => {
  let h: MediaHarness;
  let camera: CameraSim;
  let root: string;

  beforeAll(async () => {
    camera = new CameraSim(await freeLoopbackPort(), ['--testsrc', '640x360']);
    const url = await camera.start();
    h = await startMediaHarness({ env: { MEDIA_SEGMENT_SEC: '2', MEDIA_DISK_CHECK_SEC: '1' } });
    h.gateway.cameras.set('cam-rec', {
      id: 'cam-rec',
      name: 'Glucholazy square',
      kind: 'fixed',
      ingest: { type: 'rtsp', url, rtspTransport: 'tcp' },
      recordingEnabled: true,
      retentionDays: 1,
      redaction: {},
    });
    await h.app.get(RecorderService).sync();
    root = recordingRoot(h.cfg);
  }, 60000);

  afterAll(async () => {
    await h?.close();
    await camera?.stop();
  });

  const files = () =>
    existsSync(join(root, 'cam-rec'))
      ? readdirSync(join(root, 'cam-rec'))
          .filter((f) => f.endsWith('.ts'))
          .sort()
      : [];

  it('records segments by stream copy and reports each finished one to the index', async () => {
    await eventually(
      () => h.gateway.segments.length,
      (n) => n >= 3,
      30000,
      'three segments',
    );
    for (const s of h.gateway.segments.slice(0, 3)) {
      expect(s).toMatchObject({ cameraId: 'cam-rec', mediaNode: 'media', path: expect.stringMatching(/^cam-rec\/\d{8}T\d{6}\.\d{3}Z\.ts$/) });
      expect(s.bytes).toBe(statSync(join(root, s.path)).size);
      // raw video: readable by the service user only, whatever the umask
      expect(statSync(join(root, s.path)).mode & 0o777).toBe(0o600);
      const seconds = (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000;
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(4);
      // the camera's H.264, not re-encoded: same codec, size and profile as the simulator's x264
      const info = await probe(new ProcessRepository(), join(root, s.path));
      expect(info).toMatchObject({ codec: 'h264', width: 640, height: 360, profile: 'Constrained Baseline' });
    }
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'cam-rec')).mode & 0o777).toBe(0o700);
  });

  it('deletes the segments the gateway lists as expired, reports them erased, and refuses paths outside the recordings', async () => {
    const [a, b] = h.gateway.segments;
    h.gateway.expired = [
      { id: 'e1', cameraId: 'cam-rec', path: a.path },
      { id: 'e2', cameraId: 'cam-rec', path: b.path },
      { id: 'e3', cameraId: 'cam-rec', path: '../../etc/passwd' },
    ];
    const n = await h.app.get(RecorderService).retention();
    expect(n).toBe(2);
    expect(h.gateway.erased).toEqual(['e1', 'e2']);
    expect(existsSync(join(root, a.path))).toBe(false);
    expect(existsSync(join(root, b.path))).toBe(false);
    expect(existsSync(join(root, h.gateway.segments[2].path))).toBe(true);
    h.gateway.expired = [];
  });

  it('stops recording with an alarm when the disk is nearly full, and resumes when space is back', async () => {
    const svc = h.app.get(RecorderService);
    expect(svc.recording()).toEqual(['cam-rec']);
    const original = h.cfg.media.diskMinFreeMb;
    h.cfg.media.diskMinFreeMb = 1e9;
    await eventually(
      () => svc.diskAlarm,
      (a) => !!a,
      5000,
      'disk alarm',
    );
    expect(svc.diskAlarm).toMatch(/recording stopped/);
    await eventually(
      () => svc.recording().length + h.processes.running('record'),
      (n) => n === 0,
      10000,
      'recorder stopped',
    );
    const count = files().length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(files().length).toBe(count);
    h.cfg.media.diskMinFreeMb = original;
    await eventually(
      () => svc.diskAlarm,
      (a) => a === undefined,
      5000,
      'alarm cleared',
    );
    await eventually(
      () => svc.recording(),
      (r) => r.length === 1,
      10000,
      'recording again',
    );
    await eventually(
      () => files().length,
      (n) => n > count,
      10000,
      'new segments',
    );
  });

  it('keeps recording through a camera outage, starting a new segment when it is back', async () => {
    const before = h.gateway.segments.length;
    await camera.stop();
    await eventually(
      () => h.gateway.lastState('cam-rec')?.state,
      (s) => s === 'offline',
      15000,
      'offline',
    );
    // the open segment was closed and indexed at the outage
    await eventually(
      () => h.gateway.segments.length,
      (n) => n > before,
      10000,
      'segment closed at outage',
    );
    await camera.start();
    await eventually(
      () => h.gateway.lastState('cam-rec')?.state,
      (s) => s === 'online',
      20000,
      'online again',
    );
    const after = h.gateway.segments.length;
    await eventually(
      () => h.gateway.segments.length,
      (n) => n > after,
      15000,
      'segments after the outage',
    );
  });
});

/** A real media node process (main.ts), killed with SIGKILL mid-recording and started again. */
describe('media node: recording across a crash', () => {
  let gw: { app: { close(): Promise<void> }; state: FakeGatewayState };
  let camera: CameraSim;
  let dir: string;
  let env: Record<string, string>;
  let node: ChildProcess | undefined;

  function startNode(): ChildProcess {
    const child = spawn(process.execPath, [join(__dirname, '../support/media/ts-child.js'), 'apps/media/src/main.ts'], {
      cwd: join(__dirname, '../..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return child;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bl-crash-'));
    env = await testEnv(dir, { MEDIA_SEGMENT_SEC: '2', LOG_LEVEL: 'error' });
    const cfg = loadConfig(env, undefined);
    gw = await startFakeGateway(cfg);
    camera = new CameraSim(await freeLoopbackPort(), ['--testsrc', '640x360']);
    const url = await camera.start();
    gw.state.cameras.set('cam-x', {
      id: 'cam-x',
      name: 'x',
      kind: 'fixed',
      ingest: { type: 'rtsp', url, rtspTransport: 'tcp' },
      recordingEnabled: true,
      retentionDays: 1,
      redaction: {},
    });
  }, 60000);

  afterAll(async () => {
    node?.kill('SIGKILL');
    await gw?.app.close();
    await camera?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes every segment on disk after a SIGKILL and a restart, sending again at most the one in flight', async () => {
    const root = join(env.BORDERLENS_DATA_DIR, 'recordings', 'cam-x');
    const onDisk = () => (existsSync(root) ? readdirSync(root).filter((f) => f.endsWith('.ts')) : []);
    const indexed = () => gw.state.segments.map((s) => s.path.replace('cam-x/', ''));
    node = startNode();
    await eventually(
      () => gw.state.segments.length,
      (n) => n >= 2,
      40000,
      'segments indexed',
    );
    const killed = node;
    killed.kill('SIGKILL');
    await new Promise((r) => killed.once('exit', r));
    // the segment open at the crash is on disk but not indexed
    await new Promise((r) => setTimeout(r, 500));
    const lost = onDisk().filter((f) => !indexed().includes(f));
    expect(lost.length).toBeGreaterThanOrEqual(1);
    node = startNode();
    await eventually(
      () => lost.every((f) => indexed().includes(f)),
      (ok) => ok,
      40000,
      'recovered segments indexed',
    );
    // Journaled segments are not sent again; only the one whose answer the crash cut off may be.
    expect(gw.state.repeatedSegmentReports).toBeLessThanOrEqual(1);
    // the recovered segment is readable, and its recorded length matches the file
    const rec = gw.state.segments.find((s) => s.path === `cam-x/${lost[0]}`)!;
    const info = await probe(new ProcessRepository(), join(root, lost[0]));
    expect(Math.abs((Date.parse(rec.endedAt) - Date.parse(rec.startedAt)) / 1000 - (info.duration ?? 0))).toBeLessThan(0.5);
    // and the restarted node records on
    const n = gw.state.segments.length;
    await eventually(
      () => gw.state.segments.length,
      (m) => m > n,
      20000,
      'recording after restart',
    );
  });
});
