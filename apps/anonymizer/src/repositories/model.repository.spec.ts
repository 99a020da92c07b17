import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelIntegrityError, ModelRepository, parseSha256Sums } from './model.repository';

const SHARED_MODELS = resolve(__dirname, '../../../../../shared/models');
const FACE = 'face/yunet_n_dynamic.onnx';

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function modelDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bl-models-'));
  tempDirs.push(dir);
  mkdirSync(join(dir, 'face'));
  return dir;
}

describe('parseSha256Sums', () => {
  it('reads sha256sum lines, text and binary mode', () => {
    const sums = parseSha256Sums(`${'a'.repeat(64)}  face/x.onnx\n${'B'.repeat(64)} *plate/y.onnx\nnot a line\n`);
    expect(sums.get('face/x.onnx')).toBe('a'.repeat(64));
    expect(sums.get('plate/y.onnx')).toBe('b'.repeat(64));
    expect(sums.size).toBe(2);
  });
});

describe('ModelRepository.verify', () => {
  it('accepts the shared models and returns their hashes', async () => {
    const infos = await new ModelRepository(SHARED_MODELS).verify({ face: FACE });
    expect(infos).toEqual([{ name: 'face', file: FACE, sha256: '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12' }]);
  });

  it('refuses a file whose hash differs from SHA256SUMS', async () => {
    const dir = modelDir();
    copyFileSync(join(SHARED_MODELS, 'SHA256SUMS'), join(dir, 'SHA256SUMS'));
    writeFileSync(join(dir, FACE), 'not the model');
    await expect(new ModelRepository(dir).verify({ face: FACE })).rejects.toThrow(ModelIntegrityError);
    await expect(new ModelRepository(dir).verify({ face: FACE })).rejects.toThrow(/has SHA-256 [0-9a-f]{64}, SHA256SUMS says 104ee26c/);
  });

  it('refuses a missing file, a file not listed, a missing SHA256SUMS and a path outside the directory', async () => {
    const dir = modelDir();
    await expect(new ModelRepository(dir).verify({ face: FACE })).rejects.toThrow(/no SHA256SUMS/);
    copyFileSync(join(SHARED_MODELS, 'SHA256SUMS'), join(dir, 'SHA256SUMS'));
    await expect(new ModelRepository(dir).verify({ face: FACE })).rejects.toThrow(/is missing/);
    await expect(new ModelRepository(dir).verify({ face: 'face/other.onnx' })).rejects.toThrow(/not listed/);
    await expect(new ModelRepository(dir).verify({ face: '../x.onnx' })).rejects.toThrow(/relative to the model directory/);
  });
});

describe('ModelRepository.load', () => {
  const info = { name: 'face', file: FACE, sha256: '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12' };
  const input = () => new Float32Array(3 * 64 * 96).fill(100);

  it('gives the same outputs from worker threads as on the calling thread', async () => {
    const repo = new ModelRepository(SHARED_MODELS);
    const [here, there] = await Promise.all([repo.load(info, { threads: 1, workers: 0 }), repo.load(info, { threads: 1, workers: 2 })]);
    try {
      const a = await here.run(input(), 64, 96);
      // several calls at once, more than there are workers: each gets its own answer
      const b = await Promise.all([...Array(5)].map(() => there.run(input(), 64, 96)));
      expect(Object.keys(a).sort()).toEqual(['bbox_16', 'bbox_32', 'bbox_8', 'cls_16', 'cls_32', 'cls_8', 'kps_16', 'kps_32', 'kps_8', 'obj_16', 'obj_32', 'obj_8']);
      for (const out of b) for (const k of Object.keys(a)) expect([k, out[k].dims, Array.from(out[k].data)]).toEqual([k, a[k].dims, Array.from(a[k].data)]);
    } finally {
      await Promise.all([here.release(), there.release()]);
    }
  });

  it('fails a call the model refuses, and keeps serving the next ones', async () => {
    const model = await new ModelRepository(SHARED_MODELS).load(info, { threads: 1, workers: 1 });
    try {
      // 3 x 64 x 96 values announced as 3 x 64 x 64
      await expect(model.run(input(), 64, 64)).rejects.toThrow();
      await expect(model.run(input(), 64, 96)).resolves.toHaveProperty('cls_8');
    } finally {
      await model.release();
    }
    await expect(model.run(input(), 64, 96)).rejects.toThrow(/released/);
  });

  it('refuses to load a file that is not a model, from a worker too', async () => {
    const dir = modelDir();
    writeFileSync(join(dir, FACE), 'not a model');
    await expect(new ModelRepository(dir).load(info, { threads: 1, workers: 1 })).rejects.toThrow(/face model could not be loaded/);
    await expect(new ModelRepository(dir).load(info, { threads: 1, workers: 0 })).rejects.toThrow();
  });
});
