import { spawn, type ChildProcess } from 'node:child_process';
import { testKeyDir } from '../service-keys';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { GrantSigner, grantKeys } from '@borderlens/auth';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { ServiceClient, serverTransport, type GrantClaims } from '@borderlens/contracts';
import { createMediaApp } from '../../../apps/media/src/media.app';
import { MediaProcess, ProcessRepository, type SpawnOptions } from '@borderlens/media';
import type { MediaOverrides } from '../../../apps/media/src/media.module';
import { freeLoopbackPort } from '@borderlens/common';
import { startFakeGateway, type FakeGatewayState } from './fake-gateway';

const ROOT = resolve(__dirname, '../../..');

/** Real processes, recorded: which ffmpeg pipelines the node runs (tests assert sharing). */
export class RecordingProcesses extends ProcessRepository {
  readonly started: { args: string[]; proc: MediaProcess }[] = [];

  override ffmpeg(args: string[], opts: SpawnOptions = {}): MediaProcess {
    const proc = super.ffmpeg(args, opts);
    this.started.push({ args, proc });
    return proc;
  }

  /** Running ffmpeg processes of a kind: ingest (pulls a camera), decode (to raw frames), encode (x264). */
  running(kind: 'ingest' | 'decode' | 'encode' | 'record'): number {
    return this.started.filter(({ args, proc }) => proc.running && kindOf(args) === kind).length;
  }
}

function kindOf(args: string[]): string {
  if (args.includes('libx264')) return 'encode';
  if (args.includes('segment')) return 'record';
  if (args.includes('rawvideo')) return 'decode';
  return 'ingest';
}

export interface MediaHarness {
  processes: RecordingProcesses;
  cfg: BorderlensConfig;
  env: Record<string, string>;
  dir: string;
  gateway: FakeGatewayState;
  app: NestExpressApplication;
  baseUrl: string;
  signer: GrantSigner;
  /** A grant for a camera, signed like the gateway does. */
  grant(claims: Partial<Omit<GrantClaims, 'exp' | 'jti'>> & { cam: string }, ttlSec?: number): Promise<{ token: string; claims: GrantClaims }>;
  /** A client calling the media node as the gateway would. */
  asGateway(): ServiceClient;
  restartMedia(): Promise<void>;
  close(): Promise<void>;
}

/** Environment for a media node (and anonymizer) on free loopback ports, data in a temp dir. */
export async function testEnv(dir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    BORDERLENS_DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'warn',
    SERVICE_KEY_DIR: testKeyDir(dir),
    TRANSPORT_HOST: '127.0.0.1',
    TRANSPORT_GATEWAY_PORT: String(await freeLoopbackPort()),
    TRANSPORT_MEDIA_PORT: String(await freeLoopbackPort()),
    TRANSPORT_ANONYMIZER_PORT: String(await freeLoopbackPort()),
    TRANSPORT_TIMEOUT_MS: '3000',
    MEDIA_HOST: '127.0.0.1',
    MEDIA_PORT: String(await freeLoopbackPort()),
    MEDIA_ICE_BIND_ADDRESS: '127.0.0.1',
    MEDIA_IDLE_STOP_SEC: '1',
    MEDIA_PUSH_HOST: '127.0.0.1',
    // no push listeners unless a test asks (fixed default ports would collide)
    MEDIA_RTMP_PORT: '0',
    MEDIA_SRT_PORT: '0',
    // a test machine may have little free disk; the recording test sets its own
    MEDIA_DISK_MIN_FREE_MB: '16',
    MEDIA_RECONNECT_MIN_MS: '300',
    MEDIA_RECONNECT_MAX_MS: '2000',
    MEDIA_RTSP_TIMEOUT_SEC: '3',
    // test cameras (GStreamer) run on loopback: allowed explicitly, as an installer would list them
    CAMERAS_ALLOWED_NETWORKS: '127.0.0.0/8',
    CAMERAS_ALLOW_SPECIAL_NETWORKS: '127.0.0.0/8',
    ANONYMIZER_MODEL_DIR: resolve(ROOT, '../shared/models'),
    ...extra,
  };
}

export async function startMediaHarness(opts: { env?: Record<string, string>; overrides?: MediaOverrides } = {}): Promise<MediaHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'bl-media-'));
  const env = await testEnv(dir, opts.env);
  const cfg = loadConfig(env, undefined);
  cfg.media.publicUrl = `http://127.0.0.1:${cfg.media.port}`;
  const { app: gatewayApp, state } = await startFakeGateway(cfg);
  const signer = await GrantSigner.fromFile(join(dir, 'grant-key.json'));
  const keys = grantKeys(signer.jwks());
  const processes = new RecordingProcesses();
  let app: NestExpressApplication;
  const startMedia = async () => {
    app = await createMediaApp(cfg, { grantKeys: keys, processes, ...opts.overrides });
    app.connectMicroservice(serverTransport(cfg, 'media'), { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.listen(cfg.media.port, cfg.media.host);
  };
  await startMedia();
  const clients: ServiceClient[] = [];
  const h: MediaHarness = {
    processes,
    cfg,
    env,
    dir,
    gateway: state,
    get app() {
      return app;
    },
    baseUrl: `http://127.0.0.1:${cfg.media.port}`,
    signer,
    grant: (c, ttlSec = 300) => signer.sign({ sub: 'viewer-1', name: 'Jana Novakova', org: 'hzs-olk', country: 'CZ', form: 'anonymized', obligations: {}, ...c }, ttlSec),
    asGateway() {
      const c = ServiceClient.create(cfg, 'gateway', 'media');
      clients.push(c);
      return c;
    },
    async restartMedia() {
      await app.close();
      await startMedia();
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await app.close();
      await gatewayApp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** The real anonymizer app (apps/anonymizer) in a child process, so a test can kill it. */
export class AnonymizerProcess {
  private child?: ChildProcess;
  output = '';

  constructor(private readonly env: Record<string, string>) {}

  async start(timeoutMs = 60000): Promise<void> {
    const child = spawn(process.execPath, [join(ROOT, 'test/support/media/ts-child.js'), 'apps/anonymizer/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (c) => (this.output = (this.output + c).slice(-4000)));
    child.stderr!.on('data', (c) => (this.output = (this.output + c).slice(-4000)));
    const port = Number(this.env.TRANSPORT_ANONYMIZER_PORT);
    const until = Date.now() + timeoutMs;
    while (!(await portOpen(port))) {
      if (child.exitCode !== null) throw new Error(`anonymizer exited: ${this.output}`);
      if (Date.now() > until) throw new Error(`anonymizer did not listen in time: ${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function eventually<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (ok(last)) return last;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
