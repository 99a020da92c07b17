import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join, normalize, isAbsolute } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { ModelInfo } from '@borderlens/contracts';
import type { BorderlensConfig } from '@borderlens/config';
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
  /** The input is handed over: it may be detached (moved to another thread) when this returns. */
  run(input: Float32Array, height: number, width: number): Promise<OutputTensors>;
  release(): Promise<void>;
}

export interface LoadOptions {
  /** onnxruntime intra-op threads per call. */
  threads: number;
  /** Worker threads serving the model, each with its own session; 0: run on the calling thread. */
  workers: number;
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

  /** The configured model directory's repository (the Nest provider's factory; CLIs and benches use it too). */
  static fromConfig(this: void, cfg: BorderlensConfig): ModelRepository {
    return new ModelRepository(cfg.anonymizer.modelDir);
  }

  /**
   * Checks every file of `files` (paths relative to the model directory) against the directory's
   * SHA256SUMS and returns their hashes; throws ModelIntegrityError naming the first problem.
   */
  async verify(files: Record<string, string>): Promise<ModelInfo[]> {
    const sumsPath = join(this.modelDir, 'SHA256SUMS');
    if (!existsSync(sumsPath))
      throw new ModelIntegrityError(`model directory ${this.modelDir} has no SHA256SUMS (download the models with: npm run models:download -- ${this.modelDir})`);
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

  /**
   * Loads a verified model into onnxruntime CPU sessions: in `workers` worker threads (session.run
   * blocks the thread it runs on, so only sessions on threads of their own run side by side: the
   * face and plate models of one frame, or the frames of several cameras), or on this thread.
   */
  async load(info: ModelInfo, opts: LoadOptions): Promise<InferenceModel> {
    const file = join(this.modelDir, info.file);
    if (opts.workers > 0) return WorkerModel.start(info, file, sessionOptions(opts.threads), opts.workers);
    const session = await ort.InferenceSession.create(file, sessionOptions(opts.threads));
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

function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Idle intra-op threads sleep instead of spinning (spinning cost 40 % to 3x more CPU here).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/**
 * What each inference worker runs: one session; inputs in, outputs back (buffers moved, not copied).
 * Plain JavaScript text, so the same worker starts from the sources (tests) and from dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
ort.InferenceSession.create(workerData.file, workerData.options).then((session) => {
  const inputName = session.inputNames[0];
  parentPort.on('message', async ({ data, dims }) => {
    try {
      const results = await session.run({ [inputName]: new ort.Tensor('float32', new Float32Array(data), dims) });
      const out = {};
      const moved = new Set();
      for (const [name, t] of Object.entries(results)) { out[name] = { data: t.data, dims: t.dims }; moved.add(t.data.buffer); }
      parentPort.postMessage({ out }, [...moved]);
    } catch (e) {
      parentPort.postMessage({ error: String((e && e.message) || e) });
    }
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ loadError: String((e && e.message) || e) }));
`;

interface Task {
  data: ArrayBuffer;
  dims: number[];
  resolve(out: OutputTensors): void;
  reject(e: Error): void;
}

/**
 * A model served by a few worker threads. Calls go to the first idle worker, in order. A worker
 * that dies fails its call (the caller fails closed) and is replaced before the next call.
 */
class WorkerModel implements InferenceModel {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private starting = 0;
  private released = false;

  private constructor(
    readonly info: ModelInfo,
    private readonly file: string,
    private readonly options: ort.InferenceSession.SessionOptions,
    private readonly size: number,
  ) {}

  static async start(info: ModelInfo, file: string, options: ort.InferenceSession.SessionOptions, size: number): Promise<WorkerModel> {
    const m = new WorkerModel(info, file, options, size);
    try {
      await Promise.all([...Array(size)].map(() => m.spawn()));
    } catch (e) {
      await m.release();
      throw e;
    }
    return m;
  }

  run(input: Float32Array, height: number, width: number): Promise<OutputTensors> {
    if (this.released) return Promise.reject(new Error(`${this.info.name} model was released`));
    // Move the pixels when the array owns its whole buffer, else copy them.
    const data = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength ? (input.buffer as ArrayBuffer) : input.slice().buffer;
    return new Promise((resolve, reject) => {
      this.queue.push({ data, dims: [1, 3, height, width], resolve, reject });
      this.replenish();
      this.dispatch();
    });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    for (const t of [...this.busy.values(), ...this.queue.splice(0)]) t.reject(new Error(`${this.info.name} model was released`));
    this.busy.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift()!;
      const t = this.queue.shift()!;
      this.busy.set(w, t);
      w.ref();
      w.postMessage({ data: t.data, dims: t.dims }, [t.data]);
    }
  }

  private replenish(): void {
    while (!this.released && this.idle.length + this.busy.size + this.starting < this.size) {
      this.spawn().catch((e: Error) => {
        // Nothing can serve the waiting calls: fail them rather than leave them hanging.
        if (!this.idle.length && !this.busy.size && !this.starting) for (const t of this.queue.splice(0)) t.reject(e);
      });
    }
  }

  private spawn(): Promise<void> {
    this.starting++;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { ort: require.resolve('onnxruntime-node'), file: this.file, options: this.options } });
    return new Promise<void>((ready, failed) => {
      let up = false;
      let dead = false;
      const gone = (why: string) => {
        if (dead) return;
        dead = true;
        const t = this.busy.get(w);
        this.busy.delete(w);
        const i = this.idle.indexOf(w);
        if (i >= 0) this.idle.splice(i, 1);
        if (!up) {
          this.starting--;
          failed(new Error(`${this.info.name} model could not be loaded: ${why}`));
          return;
        }
        t?.reject(new Error(`${this.info.name} inference worker stopped: ${why}`));
        if (!this.released && this.queue.length) this.replenish();
      };
      // A worker has one call at a time: its answer is for the call it is busy with.
      w.on('message', (m: { ready?: true; loadError?: string; out?: OutputTensors; error?: string }) => {
        if (m.ready) {
          up = true;
          this.starting--;
          this.idle.push(w);
          w.unref();
          ready();
          this.dispatch();
        } else if (m.loadError !== undefined) {
          gone(m.loadError);
          void w.terminate();
        } else {
          const t = this.busy.get(w);
          this.busy.delete(w);
          this.idle.push(w);
          w.unref();
          if (t) m.error !== undefined ? t.reject(new Error(m.error)) : t.resolve(m.out!);
          this.dispatch();
        }
      });
      w.on('error', (e) => gone(e.message));
      w.on('exit', (code) => {
        if (!this.released) gone(`exit code ${code}`);
      });
    });
  }
}
