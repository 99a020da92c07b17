import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CameraSim } from '../../../apps/media/test-tools/camera-sim';
import { demoVideo, type DemoVideo } from '../../../apps/demo/src/demo-video';
import { keycloakIssuer, passwordToken } from '../keycloak';
import { bridgeKeycloak } from './netns';
import { artifactsDir } from './artifacts';

const ROOT = resolve(__dirname, '../../..');
/** The realm's borderlens-web client lists this origin as a redirect URI for the browser tests. */
export const WEB_TEST_PORT = 3917;

export interface SystemOptions {
  /** Start apps/demo too (the demo RTSP camera of Jeseník and the HZS drone), as `npm start` does. */
  demo?: boolean;
  /** Extra environment for every app (configuration options). */
  env?: Record<string, string>;
  /** Name of the suite, for the log files under the artifacts directory. */
  suite: string;
}

export interface TestSystem {
  url: string;
  mediaUrl: string;
  dataDir: string;
  env: Record<string, string>;
  /** Calls the API as a demo user (password grant of the realm's CLI client). */
  api<T = unknown>(user: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A camera of the seeded demo data, by name, as `user` sees it. */
  camera(user: string, name: string): Promise<{ id: string; name: string; organisationId: string; state: string }>;
  /** A simulated RTSP camera on loopback that loops the demo video (people and cars where ../shared/eval exists). */
  cameraStream(port: number, path?: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds dist/ (apps and the web app) when a source changed: the tests run the system as `npm start` does. */
export function ensureBuilt(): void {
  const r = spawnSync('bash', [join(ROOT, 'scripts/build.sh')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/build.sh failed');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

/**
 * The real system as `npm start` runs it (anonymizer, media node, gateway from dist/, the embedded
 * PGlite, the TCP transport), inside the test's network namespace, the gateway on
 * 127.0.0.1:3917 serving the built web app, Keycloak reached through the relay (netns.ts).
 */
export async function startSystem(opts: SystemOptions): Promise<TestSystem> {
  ensureBuilt();
  const relay = await bridgeKeycloak();
  const dataDir = mkdtempSync(join(tmpdir(), 'bl-web-'));
  const logs = join(artifactsDir(opts.suite), 'logs');
  mkdirSync(logs, { recursive: true });
  const url = `http://127.0.0.1:${WEB_TEST_PORT}`;
  const mediaUrl = 'http://127.0.0.1:8889';
  const env: Record<string, string> = {
    BORDERLENS_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    GATEWAY_PORT: String(WEB_TEST_PORT),
    GATEWAY_PUBLIC_URL: url,
    MEDIA_PUBLIC_URL: mediaUrl,
    KEYCLOAK_ISSUER: keycloakIssuer(),
    BORDERLENS_DEMO_CAMERAS: opts.demo ? 'true' : 'false',
    // The namespace holds only loopback: WebRTC host candidates on it.
    MEDIA_ICE_BIND_ADDRESS: '127.0.0.1',
    // The cameras the tests register stream from loopback.
    CAMERAS_ALLOWED_NETWORKS: '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7,127.0.0.0/8',
    CAMERAS_ALLOW_SPECIAL_NETWORKS: '127.0.0.0/8',
    ...opts.env,
  };
  if (!existsSync(join(ROOT, '../shared/models/SHA256SUMS')) && process.env.ANONYMIZER_MODEL_DIR) env.ANONYMIZER_MODEL_DIR = process.env.ANONYMIZER_MODEL_DIR;
  const children: ChildProcess[] = [];
  const spawnApp = (name: string, script: string) => {
    const child = spawn(process.execPath, [join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(logs, `${name}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.push(child);
    return child;
  };
  const sims: CameraSim[] = [];
  let video: DemoVideo | undefined;
  const tokens = new Map<string, { token: string; at: number }>();
  const token = async (user: string) => {
    const t = tokens.get(user);
    if (t && Date.now() - t.at < 60_000) return t.token;
    const fresh = await passwordToken(user);
    tokens.set(user, { token: fresh, at: Date.now() });
    return fresh;
  };
  const sys: TestSystem = {
    url,
    mediaUrl,
    dataDir,
    env,
    async api<T>(user: string, method: string, path: string, body?: unknown) {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${await token(user)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed as T };
    },
    async camera(user, name) {
      const { status, body } = await sys.api<{ id: string; name: string; organisationId: string; state: string }[]>(user, 'GET', '/api/v1/cameras');
      if (status !== 200) throw new Error(`GET /api/v1/cameras as ${user}: ${status}`);
      const c = body.find((x) => x.name === name);
      if (!c) throw new Error(`${user} does not see camera '${name}'`);
      return c;
    },
    async cameraStream(port, path = '/cam') {
      video ??= await demoVideo(join(dataDir, 'demo'));
      const sim = new CameraSim(port, ['--stdin'], path);
      const rtsp = await sim.start();
      sim.feed(['-stream_loop', '-1', '-i', video.file, '-c', 'copy']);
      sims.push(sim);
      // A first probe of a silent stream fails: let video flow before the camera is pointed here.
      await new Promise((r) => setTimeout(r, 1500));
      return rtsp;
    },
    async close() {
      for (const sim of sims) await sim.stop();
      await Promise.all(
        children.map((c) =>
          c.exitCode !== null
            ? null
            : new Promise((r) => {
                c.once('exit', r);
                c.kill('SIGTERM');
                setTimeout(() => c.kill('SIGKILL'), 5000).unref();
              }),
        ),
      );
      relay?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    // The gateway first: it owns the embedded database the other apps connect to.
    spawnApp('gateway', 'dist/apps/gateway/src/main.js');
    await waitFor('gateway', async () => (await fetch(`${url}/api/health/ready`)).ok, 120_000);
    spawnApp('anonymizer', 'dist/apps/anonymizer/src/main.js');
    spawnApp('media', 'dist/apps/media/src/main.js');
    await waitFor('media node and anonymizer', async () => ((await (await fetch(`${url}/api/health`)).json()) as { status: string }).status === 'ok', 120_000);
    if (opts.demo) spawnApp('demo', 'dist/apps/demo/src/main.js');
  } catch (e) {
    await sys.close();
    throw e;
  }
  return sys;
}
