import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join, normalize, isAbsolute } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelInfo } from '@borderlens/contracts';
import type { OutputTensors } from '../detection/detection.types';

/** A model that cannot be used: missing, not listed in SHA256SUMS, or with another hash. */
export class ModelIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelIntegrityError';
  }
}

/** One loaded detector network: BGR float input [1,3,H,W] in, named float outputs back. */
export interface InferenceModel {
  readonly info: ModelInfo;
  run(input: Float32Array, height: number, width: number): Promise<OutputTensors>;
  release(): Promise<void>;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `sha256  path` lines (sha256sum's format; a `*` before the path marks binary mode). */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line);
    if (m) sums.set(normalize(m[2]), m[1].toLowerCase());
  }
  return sums;
}

/** Wraps the model files and onnxruntime: integrity check against SHA256SUMS, then sessions. */
export class ModelRepository {
  constructor(private readonly modelDir: string) {}

  /**
   * Checks every file of `files` (paths relative to the model directory) against the directory's
   * SHA256SUMS and returns their hashes; throws ModelIntegrityError naming the first problem.
   */
  async verify(files: Record<string, string>): Promise<ModelInfo[]> {
    const sumsPath = join(this.modelDir, 'SHA256SUMS');
    if (!existsSync(sumsPath)) throw new ModelIntegrityError(`model directory ${this.modelDir} has no SHA256SUMS (download the models with: npm run models:download -- ${this.modelDir})`);
    const sums = parseSha256Sums(readFileSync(sumsPath, 'utf8'));
    const infos: ModelInfo[] = [];
    for (const [name, file] of Object.entries(files)) {
      if (isAbsolute(file) || normalize(file).startsWith('..')) throw new ModelIntegrityError(`${name} model path '${file}' must be relative to the model directory`);
      const expected = sums.get(normalize(file));
      if (!expected) throw new ModelIntegrityError(`${name} model ${file} is not listed in ${sumsPath}`);
      const path = join(this.modelDir, file);
      if (!existsSync(path)) throw new ModelIntegrityError(`${name} model ${path} is missing (download the models with: npm run models:download -- ${this.modelDir})`);
      const actual = await sha256File(path);
      if (actual !== expected) throw new ModelIntegrityError(`${name} model ${path} has SHA-256 ${actual}, SHA256SUMS says ${expected}: refusing to use it`);
      infos.push({ name, file, sha256: actual });
    }
    return infos;
  }

  /** Loads a verified model into an onnxruntime CPU session. */
  async load(info: ModelInfo, threads: number): Promise<InferenceModel> {
    const session = await ort.InferenceSession.create(join(this.modelDir, info.file), {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const inputName = session.inputNames[0];
    return {
      info,
      async run(input, height, width) {
        const feeds = { [inputName]: new ort.Tensor('float32', input, [1, 3, height, width]) };
        const results = await session.run(feeds);
        const out: OutputTensors = {};
        for (const [k, t] of Object.entries(results)) out[k] = { data: t.data as Float32Array, dims: t.dims };
        return out;
      },
      release: () => session.release(),
    };
  }
}
