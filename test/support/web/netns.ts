import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canUnshare, inLoopbackOnlyNetns } from '../../../apps/media/test-tools/netns';
import { keycloakIssuer } from '../keycloak';

const ROOT = resolve(__dirname, '../../..');
/** Where the outer test process offers Keycloak to the namespace (a UNIX socket crosses namespaces). */
const RELAY_ENV = 'BORDERLENS_KEYCLOAK_RELAY';

function pipe(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

function keycloakAddress(): { host: string; port: number } {
  const u = new URL(keycloakIssuer());
  return { host: u.hostname, port: Number(u.port || 80) };
}

/**
 * Browser tests need WebRTC between Chromium and the media node, which works here only inside a
 * private network namespace holding nothing but loopback (ENVIRONMENT.md). Keycloak runs outside
 * it (shared, slow to start), so the outer process relays a UNIX socket to it and the inner one
 * listens on Keycloak's loopback port and forwards there: Chromium, the gateway and the tests inside
 * see the realm at its usual issuer URL.
 *
 * Outside the namespace this defines one test that re-runs the spec file with jest inside
 * `unshare -n` (without the integration global setup) and returns false; inside it returns true and
 * the caller defines its tests. WEB_TEST_NAME=pattern runs only matching tests inside.
 */
export function insideWebNetns(specFile: string, timeoutMs = 20 * 60_000): boolean {
  if (inLoopbackOnlyNetns()) return true;
  it(
    `runs ${specFile.split('/').pop()} inside a loopback-only network namespace`,
    async () => {
      if (!canUnshare()) throw new Error('cannot create a network namespace (unshare -n): run the browser tests as root');
      const dir = mkdtempSync(join(tmpdir(), 'bl-web-netns-'));
      const socket = join(dir, 'keycloak.sock');
      const kc = keycloakAddress();
      const relay = createServer((c) => pipe(c, createConnection(kc.port, kc.host)));
      await new Promise<void>((ok) => relay.listen(socket, ok));
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const jestConfig = require(join(ROOT, 'jest.config.js'));
        const project = { ...jestConfig.projects.find((p: { displayName: string }) => p.displayName === 'integration') };
        delete project.globalSetup;
        const configFile = join(dir, 'jest.config.json');
        writeFileSync(configFile, JSON.stringify({ ...project, rootDir: ROOT, testTimeout: jestConfig.testTimeout }));
        const args = [
          join(ROOT, 'node_modules/jest/bin/jest.js'),
          '--config',
          configFile,
          '--runInBand',
          '--forceExit',
          '--runTestsByPath',
          specFile,
          ...(process.env.WEB_TEST_NAME ? ['-t', process.env.WEB_TEST_NAME] : []),
        ];
        // spawn, not spawnSync: this process must keep relaying while the inner run lasts.
        const child = spawn('unshare', ['-n', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...args], {
          stdio: 'inherit',
          cwd: ROOT,
          env: { ...process.env, BORDERLENS_NETNS: '1', [RELAY_ENV]: socket },
        });
        const code = await new Promise<number | null>((ok) => child.once('exit', ok));
        expect(code).toBe(0);
      } finally {
        await new Promise((ok) => relay.close(ok));
        rmSync(dir, { recursive: true, force: true });
      }
    },
    timeoutMs,
  );
  return false;
}

/** Inside the namespace: listens on Keycloak's loopback address and forwards to the outer relay. */
export async function bridgeKeycloak(): Promise<Server | null> {
  const socket = process.env[RELAY_ENV];
  if (!socket) return null;
  const kc = keycloakAddress();
  const server = createServer((c) => pipe(c, createConnection(socket)));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(kc.port, kc.host, ok);
  });
  return server;
}
