import type { ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { IngestService } from '../../apps/media/src/ingest/ingest.service';
import { PushService } from '../../apps/media/src/ingest/push.service';
import { freeLoopbackPort } from '@borderlens/common';
import { eventually, startMediaHarness, type MediaHarness } from '../support/media/harness';
import { publish } from '../support/media/publisher';

/** RTMP and SRT push with real ffmpeg publishers over loopback (no browser: no namespace needed). */
describe('media node: RTMP and SRT push', () => {
  let h: MediaHarness;
  const pubs: ChildProcess[] = [];

  beforeAll(async () => {
    const rtmpPort = await freeLoopbackPort();
    const srtPort = await freeLoopbackPort();
    h = await startMediaHarness({ env: { MEDIA_RTMP_PORT: String(rtmpPort), MEDIA_SRT_PORT: String(srtPort), MEDIA_PUSH_SLOTS: '2', MEDIA_PUSH_KEY_TIMEOUT_SEC: '2' } });
    for (const [id, protocol] of [
      ['drone-1', 'rtmp'],
      ['drone-2', 'srt'],
      ['drone-3', 'rtmp'],
    ] as const) {
      h.gateway.cameras.set(id, { id, name: id, kind: 'drone', ingest: { type: 'push', protocol }, recordingEnabled: false, retentionDays: 7, redaction: {} });
    }
    h.gateway.pushKeys.set('k-drone-1-0123456789abcdef', 'drone-1');
    h.gateway.pushKeys.set('k-drone-2-0123456789abcdef', 'drone-2');
    h.gateway.pushKeys.set('k-drone-3-0123456789abcdef', 'drone-3');
    // listeners are up
    await new Promise((r) => setTimeout(r, 1000));
  }, 60000);

  afterAll(async () => {
    for (const p of pubs) p.kill('SIGKILL');
    await h?.close();
  });

  const rtmp = (key: string) => `rtmp://127.0.0.1:${h.cfg.media.rtmpPort}/live/${key}`;
  const srt = (key: string, slot = 0) => `srt://127.0.0.1:${h.cfg.media.srtPort + slot}?streamid=${key}`;
  const source = (id: string) => h.app.get(IngestService).get(id);
  /** A real drone retries; the test waits until a listener is there instead. */
  const ready = (slot: string) =>
    eventually(
      () => h.app.get(PushService).waitingSlots,
      (s) => s.includes(slot),
      5000,
      `${slot} listener`,
    );

  it('takes an RTMP publisher with a valid key while silent TCP clients hold the port: they are closed after pushKeyTimeoutSec', async () => {
    await ready('rtmp');
    // Silent clients: connected, never a byte. With ffmpeg alone listening, the first one held the port.
    const silent: { socket: Socket; closedAt?: number }[] = [];
    const openedAt = Date.now();
    for (let i = 0; i < 3; i++) {
      const c: { socket: Socket; closedAt?: number } = { socket: connect(h.cfg.media.rtmpPort, '127.0.0.1') };
      c.socket.on('error', () => undefined);
      c.socket.on('close', () => (c.closedAt = Date.now()));
      silent.push(c);
    }
    await new Promise((r) => setTimeout(r, 300));
    const refused = h.app.get(PushService).refused;
    const p = publish(rtmp('k-drone-1-0123456789abcdef'), 'flv');
    pubs.push(p.child);
    await eventually(
      () => h.gateway.lastState('drone-1')?.state,
      (s) => s === 'online',
      15000,
      'drone-1 online',
    );
    await eventually(
      () => silent.every((c) => c.closedAt),
      (all) => all,
      10000,
      'silent clients closed',
    );
    for (const c of silent) expect(c.closedAt! - openedAt).toBeLessThan(2000 + 3000);
    expect(h.app.get(PushService).refused).toBeGreaterThanOrEqual(refused + 3);
    await eventually(
      () => source('drone-1')?.fps ?? 0,
      (fps) => fps > 20,
      10000,
      'frames at 25 fps',
    );
    expect(source('drone-1')!.config).toMatchObject({ width: 640, height: 360 });
  });

  it('refuses an unknown key: the publisher is cut off and nothing reaches a camera', async () => {
    await ready('rtmp');
    const before = h.app.get(PushService).refused;
    const p = publish(rtmp('wrong-key-0000000000000000'), 'flv', 10);
    const code = await p.exited;
    expect(code).not.toBe(0);
    expect(h.app.get(PushService).refused).toBe(before + 1);
    expect(
      h.app
        .get(IngestService)
        .list()
        .map((c) => c.cameraId),
    ).not.toContain(undefined);
    expect(h.gateway.states.filter((s) => !['drone-1', 'drone-2', 'drone-3'].includes(s.cameraId))).toEqual([]);
  });

  it('refuses a second publisher on the same key while the first one keeps publishing', async () => {
    await ready('rtmp');
    const before = h.app.get(PushService).refused;
    const second = publish(rtmp('k-drone-1-0123456789abcdef'), 'flv', 10);
    expect(await second.exited).not.toBe(0);
    expect(h.app.get(PushService).refused).toBe(before + 1);
    const f = source('drone-1')!.fps;
    await new Promise((r) => setTimeout(r, 1500));
    expect(source('drone-1')!.fps).toBeGreaterThan(20);
    expect(h.gateway.lastState('drone-1')!.state).toBe('online');
    expect(f).toBeGreaterThan(0);
  });

  it('takes another RTMP drone on the same port at the same time (up to pushSlots)', async () => {
    await ready('rtmp');
    const p = publish(rtmp('k-drone-3-0123456789abcdef'), 'flv');
    pubs.push(p.child);
    await eventually(
      () => h.gateway.lastState('drone-3')?.state,
      (s) => s === 'online',
      15000,
      'drone-3 online',
    );
    expect(h.app.get(PushService).publishers).toBe(2);
    // slots full: no listener waits, a third RTMP publisher cannot connect at all
    expect(h.app.get(PushService).waitingSlots).not.toContain('rtmp');
    const third = publish(rtmp('k-drone-2-0123456789abcdef'), 'flv', 5);
    expect(await third.exited).not.toBe(0);
  });

  it('takes an SRT publisher with its key as stream id, refuses a wrong one', async () => {
    await ready('srt:0');
    const before = h.app.get(PushService).refused;
    // An SRT caller does not notice being dropped (ffmpeg keeps sending into the void); what counts
    // is that the node refused it and used nothing.
    const wrong = publish(srt('nope-0000000000000000'), 'mpegts', 3);
    pubs.push(wrong.child);
    await eventually(
      () => h.app.get(PushService).refused,
      (n) => n === before + 1,
      10000,
      'SRT refusal',
    );
    expect(h.gateway.lastState('drone-2')).toBeUndefined();
    await ready('srt:1');
    const p = publish(srt('k-drone-2-0123456789abcdef', 1), 'mpegts');
    pubs.push(p.child);
    await eventually(
      () => h.gateway.lastState('drone-2')?.state,
      (s) => s === 'online',
      15000,
      'drone-2 online',
    );
    await eventually(
      () => source('drone-2')?.fps ?? 0,
      (fps) => fps > 20,
      10000,
      'SRT frames',
    );
  });

  it('reports the drone offline when its publisher stops', async () => {
    expect(h.gateway.lastState('drone-1')!.state).toBe('online');
    pubs[0].kill('SIGKILL');
    await eventually(
      () => h.gateway.lastState('drone-1'),
      (s) => s?.state === 'offline',
      15000,
      'drone-1 offline',
    );
    expect(h.gateway.lastState('drone-1')!.reason).toMatch(/publisher left/);
  });
});

/** SRT with a passphrase: a caller without it never gets a frame in. */
describe('media node: SRT push with a passphrase', () => {
  let h: MediaHarness;
  const pubs: ChildProcess[] = [];
  const passphrase = 'drone-secret-passphrase';

  beforeAll(async () => {
    h = await startMediaHarness({ env: { MEDIA_SRT_PORT: String(await freeLoopbackPort()), MEDIA_PUSH_SLOTS: '1', MEDIA_SRT_PASSPHRASE: passphrase } });
    h.gateway.cameras.set('drone-s', {
      id: 'drone-s',
      name: 'drone-s',
      kind: 'drone',
      ingest: { type: 'push', protocol: 'srt' },
      recordingEnabled: false,
      retentionDays: 7,
      redaction: {},
    });
    h.gateway.pushKeys.set('k-drone-s-0123456789abcdef', 'drone-s');
    await eventually(
      () => h.app.get(PushService).waitingSlots,
      (s) => s.includes('srt:0'),
      5000,
      'srt listener',
    );
  }, 60000);

  afterAll(async () => {
    for (const p of pubs) p.kill('SIGKILL');
    await h?.close();
  });

  const srt = (extra = '') => `srt://127.0.0.1:${h.cfg.media.srtPort}?streamid=k-drone-s-0123456789abcdef${extra}`;

  it('refuses a caller without the passphrase and takes one with it', async () => {
    const without = publish(srt(), 'mpegts', 4);
    pubs.push(without.child);
    await without.exited;
    expect(h.gateway.lastState('drone-s')).toBeUndefined();
    await eventually(
      () => h.app.get(PushService).waitingSlots,
      (s) => s.includes('srt:0'),
      10000,
      'srt listener again',
    );
    const withIt = publish(srt(`&passphrase=${passphrase}&pbkeylen=16`), 'mpegts');
    pubs.push(withIt.child);
    await eventually(
      () => h.gateway.lastState('drone-s')?.state,
      (s) => s === 'online',
      15000,
      'drone-s online',
    );
  }, 60000);
});
