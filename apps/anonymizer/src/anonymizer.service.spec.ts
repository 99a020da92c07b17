import sharp from 'sharp';
import type { ModelInfo } from '@borderlens/contracts';
import { AnonymizerError, AnonymizerService } from './anonymizer.service';
import { ImageRepository } from './repositories/image.repository';
import { ModelIntegrityError, ModelRepository, type InferenceModel } from './repositories/model.repository';
import { evalImage, MODEL_DIR, pngOf, testConfig } from './testing/eval-fixtures';

/** A repository whose models pass the hash check but whose inference (or loading) fails. */
class BrokenModels extends ModelRepository {
  constructor(private readonly failLoad: boolean) {
    super(MODEL_DIR);
  }
  async load(info: ModelInfo): Promise<InferenceModel> {
    if (this.failLoad) throw new Error('cannot create session');
    return { info, run: () => Promise.reject(new Error('onnxruntime: out of memory')), release: async () => undefined };
  }
}

const i420 = (w: number, h: number) => ({ width: w, height: h, format: 'i420' as const, data: Buffer.alloc((w * h * 3) / 2, 128).toString('base64') });

describe('AnonymizerService fails closed', () => {
  const cfg = testConfig();

  it('refuses to start when a model differs from SHA256SUMS', async () => {
    const svc = new AnonymizerService(
      testConfig({ ANONYMIZER_FACE_MODEL: 'face/yunet_s_dynamic.onnx' }),
      {
        verify: () => Promise.reject(new ModelIntegrityError('face model differs')),
      } as unknown as ModelRepository,
      ImageRepository.fromConfig(cfg),
    );
    await expect(svc.onModuleInit()).rejects.toThrow(ModelIntegrityError);
  });

  it('reports models that do not load and answers every frame with an error', async () => {
    const svc = new AnonymizerService(cfg, new BrokenModels(true), ImageRepository.fromConfig(cfg));
    await svc.onModuleInit();
    expect(svc.health()).toMatchObject({ status: 'error', error: expect.stringContaining('models failed to load') });
    await expect(svc.detect(i420(64, 64))).rejects.toMatchObject({ code: 'unavailable' });
    await expect(svc.redact({ frame: i420(64, 64) })).rejects.toBeInstanceOf(AnonymizerError);
  });

  it('turns an inference failure into an error (never a frame) and an unhealthy status', async () => {
    const svc = new AnonymizerService(cfg, new BrokenModels(false), ImageRepository.fromConfig(cfg));
    await svc.onModuleInit();
    expect(svc.health().status).toBe('ok');
    await expect(svc.redact({ frame: i420(64, 64) })).rejects.toMatchObject({ code: 'inference_failed', message: expect.stringContaining('out of memory') });
    expect(svc.health()).toMatchObject({ status: 'error', failures: 1 });
  });

  it('refuses frames whose data does not match their size', async () => {
    const svc = new AnonymizerService(cfg, new BrokenModels(false), ImageRepository.fromConfig(cfg));
    await svc.onModuleInit();
    await expect(svc.detect({ ...i420(64, 64), width: 65 })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(svc.detect({ width: 1, height: 1, format: 'png', data: Buffer.from('nope').toString('base64') })).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('AnonymizerService with the real models', () => {
  const cfg = testConfig();
  const svc = new AnonymizerService(cfg, new ModelRepository(MODEL_DIR), ImageRepository.fromConfig(cfg));
  beforeAll(() => svc.onModuleInit());
  afterAll(() => svc.onModuleDestroy());

  it('reports the loaded models and their hashes', () => {
    const h = svc.health();
    expect(h.status).toBe('ok');
    expect(h.models.map((m) => m.name)).toEqual(['face', 'plate', 'object']);
    expect(h.models[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('redacts a PNG: pixels of detected faces change, pixels far from every detection do not', async () => {
    const img = evalImage('2_Demonstration_Demonstrators_2_456.jpg');
    const png = await pngOf(img.path);
    const reply = await svc.redact({ frame: { width: 416, height: 416, format: 'png', data: png.toString('base64') }, method: 'pixelate', padding: 0 });
    expect(reply.faces).toBeGreaterThan(0);
    const before = await sharp(png).raw().toBuffer();
    const after = await sharp(Buffer.from(reply.frame.data, 'base64')).raw().toBuffer();
    const { faces } = await svc.detect({ width: 416, height: 416, format: 'png', data: png.toString('base64') });
    const near = (x: number, y: number) => faces.some(({ box: [x1, y1, x2, y2] }) => x >= x1 - 2 && x < x2 + 2 && y >= y1 - 2 && y < y2 + 2);
    let outsideChanged = 0,
      outside = 0;
    for (let y = 0; y < 416; y++) {
      for (let x = 0; x < 416; x++) {
        if (near(x, y)) continue;
        outside++;
        const i = (y * 416 + x) * 3;
        if (before[i] !== after[i] || before[i + 1] !== after[i + 1] || before[i + 2] !== after[i + 2]) outsideChanged++;
      }
    }
    expect(outside).toBeGreaterThan(100_000);
    expect(outsideChanged).toBe(0);
    for (const label of img.faces.filter((b) => b[3] - b[1] >= 24)) {
      const [x1, y1, x2, y2] = label.map(Math.round);
      let changed = 0;
      for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) if (before[(y * 416 + x) * 3] !== after[(y * 416 + x) * 3]) changed++;
      expect(changed / ((x2 - x1) * (y2 - y1))).toBeGreaterThan(0.5);
    }
  });
});
