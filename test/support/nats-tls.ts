import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { natsServerConfig, ServiceName } from '@borderlens/contracts';
import { freeLoopbackPort } from '@borderlens/common';
import { testKeyDir } from './service-keys';

const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find(existsSync) ?? 'nats-server';

export interface TlsNats {
  url: string;
  caFile: string;
  keyDir: string;
  /** Configuration environment for the apps of a test (NATS_URL, NATS_CA_FILE, SERVICE_KEY_DIR). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A certificate authority and a loopback server certificate, made with openssl now. */
function makeCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const f = (n: string) => join(dir, n);
  const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ossl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=BorderLens test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  );
  ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('nats.key'), '-out', f('nats.csr'));
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ossl('x509', '-req', '-in', f('nats.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f('san.ext'), '-out', f('nats.pem'));
  return { caFile: f('ca.pem'), certFile: f('nats.pem'), keyFile: f('nats.key') };
}

/**
 * A nats-server of this test only, on a free loopback port: TLS with certificates made now, one user
 * per app with the subject permissions of PatternCallers (deploy/nats/nats-server.conf is the same).
 */
export async function startTlsNats(dir: string): Promise<TlsNats> {
  const keyDir = testKeyDir(dir);
  const { caFile, certFile, keyFile } = makeCertificates(dir);
  const port = await freeLoopbackPort();
  const passwords = Object.fromEntries(Object.values(ServiceName).map((a) => [a, readFileSync(join(keyDir, `${a}.nats-password`), 'utf8').trim()])) as Record<ServiceName, string>;
  const conf = join(dir, 'nats-server.conf');
  writeFileSync(conf, natsServerConfig({ host: '127.0.0.1', port, certFile, keyFile, passwords }));
  const proc = spawn(NATS_SERVER, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (d) => (log += d));
  proc.stdout!.on('data', (d) => (log += d));
  const until = Date.now() + 15_000;
  while (!/Server is ready/.test(log)) {
    if (proc.exitCode !== null || Date.now() > until) throw new Error(`nats-server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `tls://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    url,
    caFile,
    keyDir,
    env: { NATS_URL: url, NATS_CA_FILE: caFile, SERVICE_KEY_DIR: keyDir },
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** A plain nats-server of this test only (no TLS, no users): the bus as a rogue already on it sees it. */
export async function startPlainNats(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freeLoopbackPort();
  const proc = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (d) => (log += d));
  const until = Date.now() + 15_000;
  while (!/Server is ready/.test(log)) {
    if (proc.exitCode !== null || Date.now() > until) throw new Error(`nats-server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
