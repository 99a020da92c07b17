import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { Patterns, ServiceClient, ServiceName, ServiceTokens, type AnonymizerHealth, type DetectReply, type RedactReply } from '@borderlens/contracts';
import { freeLoopbackPort } from '@borderlens/common';
import { EVAL_DIR, MODEL_DIR, instanceEnv, runNode, startAnonymizer, type RunningAnonymizer } from '../support/anonymizer-process';

const FACES = join(EVAL_DIR, 'faces/images/2_Demonstration_Demonstrators_2_456.jpg');
const PLATE = join(EVAL_DIR, 'plates/images/eu_eu3.jpg');

/** A copy of ../shared/models in a temp dir, for tests that damage it. */
function modelCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bl-models-'));
  for (const sub of ['face', 'plate', 'object']) mkdirSync(join(dir, sub));
  copyFileSync(join(MODEL_DIR, 'SHA256SUMS'), join(dir, 'SHA256SUMS'));
  for (const f of ['face/yunet_n_dynamic.onnx', 'plate/license_plate_detection_lpd_yunet_2023mar_dynamic.onnx', 'object/yolox_nano_dyn.onnx'])
    copyFileSync(join(MODEL_DIR, f), join(dir, f));
  return dir;
}

async function i420Of(path: string) {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const w = info.width & ~1,
    h = info.height & ~1;
  const out = Buffer.alloc((w * h * 3) / 2);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * info.width + x) * 3;
      out[y * w + x] = Math.round(16 + 0.257 * data[i] + 0.504 * data[i + 1] + 0.098 * data[i + 2]);
    }
  out.fill(128, w * h);
  return { width: w, height: h, format: 'i420' as const, data: out.toString('base64') };
}

describe('anonymizer start-up checks the models', () => {
  const dirs: string[] = [];

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start when a model file differs from SHA256SUMS', () => {
    const dir = modelCopy();
    const env = instanceEnv({ port: 1 });
    dirs.push(dir, env.BORDERLENS_DATA_DIR);
    const face = join(dir, 'face/yunet_n_dynamic.onnx');
    const bytes = readFileSync(face);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(face, bytes);
    const r = runNode('dist/apps/anonymizer/src/main.js', [], { ...env, ANONYMIZER_MODEL_DIR: dir }, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/anonymizer refused to start: face model .*yunet_n_dynamic\.onnx has SHA-256 [0-9a-f]{64}, SHA256SUMS says 104ee26c/);
  });

  it('refuses to start when a model file is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-models-'));
    const env = instanceEnv({ port: 1 });
    dirs.push(dir, env.BORDERLENS_DATA_DIR);
    copyFileSync(join(MODEL_DIR, 'SHA256SUMS'), join(dir, 'SHA256SUMS'));
    const r = runNode('dist/apps/anonymizer/src/main.js', [], { ...env, ANONYMIZER_MODEL_DIR: dir }, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is missing (download the models with: npm run models:download');
  });
});

describe('anonymizer over TCP on loopback', () => {
  let svc: RunningAnonymizer;
  let client: ServiceClient;

  beforeAll(async () => {
    svc = await startAnonymizer(instanceEnv({ port: await freeLoopbackPort() }));
    client = ServiceClient.create(svc.cfg, ServiceName.media, ServiceName.anonymizer);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await svc?.stop();
  });

  it('reports health with the loaded models and their hashes', async () => {
    const h = await client.send<AnonymizerHealth>(Patterns.anonymizer.health, {});
    expect(h.status).toBe('ok');
    expect(h.models).toEqual([
      { name: 'face', file: 'face/yunet_n_dynamic.onnx', sha256: '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12' },
      { name: 'plate', file: 'plate/license_plate_detection_lpd_yunet_2023mar_dynamic.onnx', sha256: 'a2459d60cc3179258479400ac8aa1cc2d1bd927fb98f2de2aa75f44024c9ef1a' },
      { name: 'object', file: 'object/yolox_nano_dyn.onnx', sha256: 'faff1f349aaf12c619612f85ad44c9f52b437b58d4d1ee10275d6b62d9670cea' },
    ]);
  });

  it('detects faces on a live I420 frame and a plate in a JPEG, with a service token', async () => {
    const live = await client.send<DetectReply>(Patterns.anonymizer.detect, { ...(await i420Of(FACES)), mode: 'live' }, 30_000);
    expect(live.faces.length).toBeGreaterThanOrEqual(8);
    expect(live.ms).toBeGreaterThan(0);
    const jpeg = readFileSync(PLATE);
    const still = await client.send<DetectReply>(Patterns.anonymizer.detect, { width: 0, height: 0, format: 'jpeg', data: jpeg.toString('base64') }, 30_000).catch((e: Error) => e);
    expect(String(still)).toContain('width must not be less than 1'); // the DTO is validated
    const ok = await client.send<DetectReply>(Patterns.anonymizer.detect, { width: 1, height: 1, format: 'jpeg', data: jpeg.toString('base64') }, 30_000);
    expect(ok.plates.some((p) => p.box[0] < 380 && p.box[2] > 400 && p.box[1] < 200 && p.box[3] > 190)).toBe(true);
  });

  it('redacts an I420 frame and returns it in the same format', async () => {
    const frame = await i420Of(FACES);
    const reply = await client.send<RedactReply>(Patterns.anonymizer.redact, { frame, method: 'fill', mode: 'live' }, 30_000);
    expect(reply.faces).toBeGreaterThan(0);
    expect(reply.frame).toMatchObject({ width: frame.width, height: frame.height, format: 'i420' });
    const data = Buffer.from(reply.frame.data, 'base64');
    expect(data.length).toBe(Buffer.from(frame.data, 'base64').length);
    expect(data.subarray(0, frame.width * frame.height).filter((v) => v === 16).length).toBeGreaterThan(500);
  });

  it('answers a bad frame with bad_request', async () => {
    await expect(client.send(Patterns.anonymizer.detect, { width: 10, height: 10, format: 'i420', data: 'AAAA' })).rejects.toThrow(/needs 150 bytes, got 3/);
  });

  it('refuses an unsealed call, and a call sealed with a key the anonymizer does not know', async () => {
    // A plain Nest client (no sealing codec) as any process on the network would use.
    const proxy = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: svc.cfg.transport.host, port: svc.cfg.transport.anonymizerPort } });
    const forged = new ServiceClient(svc.cfg, ServiceName.anonymizer, ServiceTokens.withUnknownKey(ServiceName.media));
    try {
      const frame = { width: 2, height: 2, format: 'i420', data: 'AAAAAAA=' };
      const plain = firstValueFrom(proxy.send(Patterns.anonymizer.detect, { auth: 'x', data: frame }).pipe(timeout(10_000)));
      await expect(plain).rejects.toMatchObject({ message: expect.stringMatching(/service token refused: not a sealed call/) });
      await expect(forged.send(Patterns.anonymizer.detect, frame, 10_000)).rejects.toThrow(/service token refused: bad signature/);
    } finally {
      await proxy.close();
      await forged.close();
    }
  });
});

describe('several anonymizers side by side over NATS', () => {
  const natsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
  const instances: RunningAnonymizer[] = [];

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
  });

  it('share the calls of one queue group', async () => {
    const env = instanceEnv({ natsUrl });
    instances.push(await startAnonymizer(env));
    // Its own data dir, the same service keys (a client's call may reach either).
    instances.push(await startAnonymizer({ ...env, BORDERLENS_DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-anon-')) }));
    const client = ServiceClient.create(instances[0].cfg, ServiceName.media, ServiceName.anonymizer);
    try {
      const seen = new Set<string>();
      // The second instance may still be loading its models when the first already answers.
      const until = Date.now() + 60_000;
      while (seen.size < 2 && Date.now() < until) {
        seen.add((await client.send<AnonymizerHealth>(Patterns.anonymizer.health, {})).instance!);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen.size).toBe(2);
    } finally {
      await client.close();
    }
  }, 180_000);
});
