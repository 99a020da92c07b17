import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { testKeyDir } from './service-keys';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { Patterns, ServiceClient, ServiceName, type AnonymizerHealth } from '@borderlens/contracts';

export const ROOT = resolve(__dirname, '../..');
export const SHARED = resolve(ROOT, '../shared');
export const MODEL_DIR = join(SHARED, 'models');
export const EVAL_DIR = join(SHARED, 'eval');

/** Runs a built command of the anonymizer (npm run build first) and waits for it. */
export function runNode(script: string, args: string[], env: Record<string, string> = {}, timeout = 180_000) {
  const r = spawnSync(process.execPath, [join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ANONYMIZER_MODEL_DIR: MODEL_DIR, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface RunningAnonymizer {
  proc: ChildProcess;
  cfg: BorderlensConfig;
  env: Record<string, string>;
  output: () => string;
  stop: () => Promise<void>;
}

/** Environment of a test instance: its own data dir, service keys and transport. */
export function instanceEnv(transport: { port: number } | { natsUrl: string }): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bl-anon-'));
  return {
    BORDERLENS_DATA_DIR: dataDir,
    SERVICE_KEY_DIR: testKeyDir(dataDir),
    ANONYMIZER_MODEL_DIR: MODEL_DIR,
    ANONYMIZER_THREADS: '1',
    TRANSPORT_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...('port' in transport ? { TRANSPORT_ANONYMIZER_PORT: String(transport.port), NATS_URL: '' } : { NATS_URL: transport.natsUrl }),
  };
}

/** Starts dist/apps/anonymizer/src/main.js and waits until it answers health over the transport; stop() removes its data dir. */
export async function startAnonymizer(env: Record<string, string>): Promise<RunningAnonymizer> {
  const proc = spawn(process.execPath, [join(ROOT, 'dist/apps/anonymizer/src/main.js')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const cfg = loadConfig(env, undefined);
  const stop = async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
    rmSync(cfg.dataDir, { recursive: true, force: true });
  };
  const client = ServiceClient.create(cfg, ServiceName.media, ServiceName.anonymizer);
  try {
    for (let i = 0; i < 120; i++) {
      if (proc.exitCode !== null) throw new Error(`anonymizer exited with ${proc.exitCode}: ${out}`);
      try {
        await client.send<AnonymizerHealth>(Patterns.anonymizer.health, {}, 1000);
        return { proc, cfg, env, output: () => out, stop };
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new Error(`anonymizer did not answer: ${out}`);
  } catch (e) {
    await stop();
    throw e;
  } finally {
    await client.close();
  }
}
