import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { loadConfig, type BorderlensConfig } from '@borderlens/config';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { keycloakIssuer } from './keycloak';
import { freeLoopbackPort } from '@borderlens/common';

export const NATS_TEST_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface TestGateway {
  app: INestApplication;
  cfg: BorderlensConfig;
  /** http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** PostgreSQL URL; absent: embedded PGlite in a temp data dir. */
  databaseUrl?: string;
  nats?: boolean;
  env?: Record<string, string>;
}

/** Test configuration: temp data dir (the caller removes cfg.dataDir), free loopback ports, the test Keycloak, TCP or NATS. */
export async function testConfig(opts: TestGatewayOptions = {}): Promise<BorderlensConfig> {
  const dataDir = opts.env?.BORDERLENS_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'bl-gw-'));
  return loadConfig(
    {
      BORDERLENS_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: '0',
      DATABASE_EMBEDDED_PORT: '0',
      TRANSPORT_GATEWAY_PORT: String(await freeLoopbackPort()),
      TRANSPORT_MEDIA_PORT: String(await freeLoopbackPort()),
      TRANSPORT_ANONYMIZER_PORT: String(await freeLoopbackPort()),
      KEYCLOAK_ISSUER: keycloakIssuer(),
      // The private ranges (the default) and the documentation ranges the tests register cameras in.
      CAMERAS_ALLOWED_NETWORKS: '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7,192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,127.0.0.0/8',
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
      ...(opts.nats ? { NATS_URL: NATS_TEST_URL } : {}),
      ...opts.env,
    },
    undefined,
  );
}

/** The real gateway app, listening on a free loopback port; close() removes its data dir. */
export async function startGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const cfg = await testConfig(opts);
  const app = await createGateway(cfg);
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    cfg,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      rmSync(cfg.dataDir, { recursive: true, force: true });
    },
  };
}

/** fetch with a bearer token and JSON; returns status and parsed body. */
export async function api(base: string, path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(base + path, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}
