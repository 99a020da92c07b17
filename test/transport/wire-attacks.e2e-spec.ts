import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module, UseGuards, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { connect, type NatsConnection, type NatsError } from 'nats';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { Patterns, ServiceAuthGuard, ServiceClient, ServiceName, ServiceTokens, natsPackets, serverTransport } from '@borderlens/contracts';
import { i420Size } from '@borderlens/redaction';
import { FailClosedGate, type GateOutput } from '../../apps/media/src/live/fail-closed-gate';
import { AnonymizerClient } from '../../apps/media/src/transport/service-clients';
import { startPlainNats, startTlsNats, type TlsNats } from '../support/nats-tls';
import { testKeyDir } from '../support/service-keys';

const CAMERA_PASSWORD = 's3cret-camera-password';
const deleted: string[] = [];

/** Stand-ins for the media node and the gateway behind the real codec and guard. */
@Controller()
@UseGuards(ServiceAuthGuard)
class FakeMedia {
  @MessagePattern(Patterns.media.health)
  health() {
    return { status: 'ok' };
  }
  @MessagePattern(Patterns.media.clipDelete)
  clipDelete(@Payload('data') d: { clipId: string }) {
    deleted.push(d.clipId);
    return { deleted: true };
  }
}

@Controller()
@UseGuards(ServiceAuthGuard)
class FakeGateway {
  @MessagePattern(Patterns.gateway.cameraIngest)
  ingest(@Payload('data') d: { cameraId: string }) {
    return { id: d.cameraId, ingest: { type: 'rtsp', url: `rtsp://viewer:${CAMERA_PASSWORD}@10.0.0.5/live` } };
  }
}

async function serve(cfg: BorderlensConfig, service: ServiceName, controller: new () => unknown): Promise<INestMicroservice> {
  @Module({ controllers: [controller], providers: [ServiceAuthGuard] })
  class M {}
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(M, { ...serverTransport(cfg, service), logger: false });
  await app.listen();
  return app;
}

// What is on the bus: JSON packets, with frames as bytes beside them (the wire's own codec).
const json = { encode: (p: Record<string, unknown>) => natsPackets.encode(p), decode: (d: Uint8Array) => natsPackets.decode(d) as Record<string, unknown> };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the wire over TLS NATS with one user per app', () => {
  let dir: string;
  let nats: TlsNats;
  let cfg: BorderlensConfig;
  const apps: INestMicroservice[] = [];
  const password = (app: ServiceName) => readFileSync(join(nats.keyDir, `${app}.nats-password`), 'utf8').trim();
  const as = (app: ServiceName) => connect({ servers: nats.url, tls: { caFile: nats.caFile }, user: app, pass: password(app), reconnect: false });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bl-wire-tls-'));
    nats = await startTlsNats(dir);
    cfg = loadConfig({ BORDERLENS_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'error', ...nats.env }, undefined);
    apps.push(await serve(cfg, ServiceName.media, FakeMedia), await serve(cfg, ServiceName.gateway, FakeGateway));
  }, 60_000);

  afterAll(async () => {
    for (const a of apps) await a.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries calls and replies between the apps', async () => {
    const media = ServiceClient.create(cfg, ServiceName.media, ServiceName.gateway);
    const gateway = ServiceClient.create(cfg, ServiceName.gateway, ServiceName.media);
    try {
      await expect(media.send(Patterns.gateway.cameraIngest, { cameraId: 'c1' })).resolves.toMatchObject({ id: 'c1' });
      await expect(gateway.send(Patterns.media.health, {})).resolves.toEqual({ status: 'ok' });
    } finally {
      await media.close();
      await gateway.close();
    }
  });

  it('refuses connections without TLS, without credentials or with a wrong password', async () => {
    const port = new URL(nats.url).port;
    await expect(connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false, timeout: 3000 })).rejects.toThrow();
    await expect(connect({ servers: nats.url, tls: { caFile: nats.caFile }, reconnect: false })).rejects.toThrow(/Authorization/i);
    await expect(connect({ servers: nats.url, tls: { caFile: nats.caFile }, user: 'media', pass: 'guess', reconnect: false })).rejects.toThrow(/Authorization/i);
  });

  it('does not let a rogue subscriber read calls or replies of other apps (camera passwords)', async () => {
    const rogue = await as(ServiceName.anonymizer);
    const seen: string[] = [];
    const refused: string[] = [];
    for (const subject of [Patterns.gateway.cameraIngest, '_INBOX_media.>', '_INBOX_gateway.>', 'media.>', '>']) {
      rogue.subscribe(subject, { callback: (err: NatsError | null, m) => (err ? refused.push(subject) : seen.push(m.subject)) });
    }
    await rogue.flush();
    const media = ServiceClient.create(cfg, ServiceName.media, ServiceName.gateway);
    try {
      const info = await media.send<{ ingest: { url: string } }>(Patterns.gateway.cameraIngest, { cameraId: 'c2' });
      expect(info.ingest.url).toContain(CAMERA_PASSWORD);
      await sleep(300);
      expect(seen).toEqual([]);
      expect(refused.length).toBe(5);
    } finally {
      await media.close();
      await rogue.close().catch(() => undefined);
    }
  });

  it('does not let another app take detection calls or publish calls it may not make', async () => {
    const rogue = await as(ServiceName.media);
    const errors: string[] = [];
    rogue.subscribe(Patterns.anonymizer.detect, { queue: 'anonymizer', callback: (err) => err && errors.push(String(err.message)) });
    await rogue.flush().catch(() => undefined);
    await sleep(200);
    expect(errors.join()).toMatch(/Permissions Violation/i);
    await rogue.close().catch(() => undefined);
    const anon = await as(ServiceName.anonymizer);
    await expect(
      anon.request(Patterns.media.clipDelete, json.encode({ pattern: Patterns.media.clipDelete, id: 'x', data: { clipId: 'by-anonymizer' } }), { timeout: 1000 }),
    ).rejects.toThrow();
    expect(deleted).not.toContain('by-anonymizer');
    await anon.close().catch(() => undefined);
  });
});

describe('the wire with a rogue already on the bus (no NATS permissions)', () => {
  let dir: string;
  let bus: { url: string; stop(): Promise<void> };
  let cfg: BorderlensConfig;
  let rogue: NatsConnection;
  let media: INestMicroservice;
  /** What an app that is not the anonymizer, or a broken one, can sign: the anonymizer key is only the anonymizer's. */
  let anonymizerKey: ServiceTokens;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bl-wire-plain-'));
    bus = await startPlainNats();
    cfg = loadConfig({ BORDERLENS_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'error', NATS_URL: bus.url, SERVICE_KEY_DIR: testKeyDir(dir), TRANSPORT_TIMEOUT_MS: '2000' }, undefined);
    media = await serve(cfg, ServiceName.media, FakeMedia);
    rogue = await connect({ servers: bus.url });
    anonymizerKey = ServiceTokens.forApp(cfg, ServiceName.anonymizer);
  }, 60_000);

  afterAll(async () => {
    await rogue?.close();
    await media?.close();
    await bus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Answers every call on `subject` with what `reply` makes of the call's packet. */
  function respond(subject: string, reply: (packet: { id: string; data: { id: string } }) => unknown) {
    return rogue.subscribe(subject, { callback: (_e, m) => m.respond(json.encode(reply(json.decode(m.data) as never) as Record<string, unknown>)) });
  }

  it('refuses a replayed call: a recorded clip deletion runs once', async () => {
    const recorded: Uint8Array[] = [];
    const tap = rogue.subscribe(Patterns.media.clipDelete, { callback: (_e, m) => recorded.push(m.data) });
    await rogue.flush();
    const gateway = ServiceClient.create(cfg, ServiceName.gateway, ServiceName.media);
    try {
      await expect(gateway.send(Patterns.media.clipDelete, { clipId: 'clip-1' })).resolves.toEqual({ deleted: true });
    } finally {
      await gateway.close();
      tap.unsubscribe();
    }
    expect(recorded).toHaveLength(1);
    const again = json.decode((await rogue.request(Patterns.media.clipDelete, recorded[0], { timeout: 3000 })).data);
    expect(again).toMatchObject({ err: { message: expect.stringMatching(/replayed call/) } });
    expect(deleted.filter((c) => c === 'clip-1')).toHaveLength(1);
  });

  it('refuses a forged pattern: a sealed health call sent as a clip deletion, and a call from an app not allowed', async () => {
    const recorded: Uint8Array[] = [];
    const tap = rogue.subscribe(Patterns.media.health, { callback: (_e, m) => recorded.push(m.data) });
    await rogue.flush();
    const gateway = ServiceClient.create(cfg, ServiceName.gateway, ServiceName.media);
    try {
      await gateway.send(Patterns.media.health, {});
    } finally {
      await gateway.close();
      tap.unsubscribe();
    }
    const forged = json.decode((await rogue.request(Patterns.media.clipDelete, recorded[0], { timeout: 3000 })).data);
    expect(forged).toMatchObject({ err: { message: expect.stringMatching(/bad signature/) } });
    // The anonymizer's own valid key does not let it erase clips: not in PatternCallers.
    const sealed = anonymizerKey.sealCall(Patterns.media.clipDelete, ServiceName.media, { clipId: 'clip-2' });
    const byAnonymizer = json.decode(
      (await rogue.request(Patterns.media.clipDelete, json.encode({ pattern: Patterns.media.clipDelete, id: 'r1', data: sealed as never }), { timeout: 3000 })).data,
    );
    expect(byAnonymizer).toMatchObject({ err: { message: expect.stringMatching(/anonymizer may not call 'media.clip-delete'/) } });
    expect(deleted).not.toContain('clip-2');
  });

  it('refuses a reply from the wrong app', async () => {
    // Nobody serves media.recording-still on this bus but a rogue holding the anonymizer's key.
    const sub = respond(Patterns.media.recordingStill, (p) => ({
      id: p.id,
      response: anonymizerKey.sealReply(Patterns.media.recordingStill, ServiceName.gateway, p.data.id, { jpeg: 'forged' }),
      isDisposed: true,
    }));
    const gateway = ServiceClient.create(cfg, ServiceName.gateway, ServiceName.media);
    try {
      await expect(gateway.send(Patterns.media.recordingStill, { cameraId: 'c', at: 'now' })).rejects.toThrow(/reply not authenticated: reply from anonymizer, expected media/);
    } finally {
      await gateway.close();
      sub.unsubscribe();
    }
  });

  describe.each([
    [
      'an unsealed "no faces" reply',
      (p: { id: string; data: { id: string } }) => ({ id: p.id, response: { faces: [], plates: [], ms: 1 }, isDisposed: true }),
      /unsealed reply|not a sealed reply/,
    ],
    [
      'a "no faces" reply sealed with another app\'s key',
      (p: { id: string; data: { id: string } }) => ({
        id: p.id,
        response: ServiceTokens.forApp(cfg, ServiceName.gateway).sealReply(Patterns.anonymizer.detect, ServiceName.media, p.data.id, { faces: [], plates: [], ms: 1 }),
        isDisposed: true,
      }),
      /reply from gateway/,
    ],
    [
      'an authentic reply without boxes (empty by shape)',
      (p: { id: string; data: { id: string } }) => ({
        id: p.id,
        response: anonymizerKey.sealReply(Patterns.anonymizer.detect, ServiceName.media, p.data.id, { ms: 1 }),
        isDisposed: true,
      }),
      /malformed detect reply/,
    ],
  ])('a rogue responder answering detections with %s', (_name, reply, error) => {
    it('fails the detection, and the live gate masks every frame', async () => {
      const sub = respond(Patterns.anonymizer.detect, reply);
      await rogue.flush();
      const detector = new AnonymizerClient(cfg);
      const W = 160;
      const H = 120;
      try {
        const frame = (seq: number) => {
          const data = Buffer.alloc(i420Size(W, H), 128);
          for (let y = 40; y < 80; y++) for (let x = 60; x < 100; x++) data[y * W + x] = (x + y) % 2 ? 250 : 5;
          return { data, width: W, height: H, seq, pts: seq * 40, at: Date.now() };
        };
        await expect(detector.detect({ width: W, height: H, format: 'i420', data: frame(0).data.toString('base64') }, 2000)).rejects.toThrow(error);
        const out: GateOutput[] = [];
        const gate = new FailClosedGate(detector, { budgetMs: 300, detectWidth: W, detectEvery: 1, redact: { method: 'pixelate', padding: 0.1 } }, (o) => out.push(o));
        for (let seq = 1; seq <= 10; seq++) {
          gate.push(frame(seq));
          await sleep(40);
        }
        await sleep(500);
        gate.close();
        expect(out.length).toBeGreaterThan(0);
        for (const o of out) {
          expect(o.verdict).toBe('masked');
          // The checkerboard "face" is gone: no 4x4 block of it alternating both ways is left.
          const px = (x: number, y: number) => o.frame.data[y * W + x];
          let visible = false;
          for (let y = 40; y < 76 && !visible; y++) {
            for (let x = 60; x < 96 && !visible; x++) {
              let ok = true;
              for (let d = 0; d < 16 && ok; d++) {
                const [dx, dy] = [d % 4, Math.floor(d / 4)];
                ok = Math.abs(px(x + dx, y + dy) - px(x + dx + 1, y + dy)) > 200 && Math.abs(px(x + dx, y + dy) - px(x + dx, y + dy + 1)) > 200;
              }
              visible = ok;
            }
          }
          expect(visible).toBe(false);
        }
      } finally {
        sub.unsubscribe();
        await detector.onModuleDestroy();
      }
    }, 30_000);
  });
});
