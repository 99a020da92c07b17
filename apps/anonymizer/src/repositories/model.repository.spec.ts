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
