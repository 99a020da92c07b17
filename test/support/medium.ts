/**
 * Medium tier: gateway services as Nest wires them (their real modules, repositories and TypeORM) on a
 * real database with the migrations run, without Keycloak, NATS or the other apps. Only the transport
 * to the media node and the anonymizer (strict mocks a test sets up) and the Keycloak token verifier
 * are replaced. Each suite gets a fresh database: a temporary PostgreSQL database (TEST_DATABASE_URL's
 * server), or an embedded PGlite in a temporary data directory; close() drops it.
 *
 *   const app = await startMedium('PostgreSQL', [LiveSessionModule]);
 *   const sessions = app.get(LiveSessionService);
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleMetadata, Provider, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AuditModule } from '@borderlens/audit';
import { TokenVerifier } from '@borderlens/auth';
import { ConfigModule, type BorderlensConfig } from '@borderlens/config';
import { ServiceClient, ServiceTokens } from '@borderlens/contracts';
import { DatabaseModule } from '@borderlens/database';
import { AuthModule } from '../../apps/gateway/src/auth/auth.module';
import { SchedulerModule } from '../../apps/gateway/src/common/scheduler.module';
import { SeedService } from '../../apps/gateway/src/seed/seed.service';
import { ANONYMIZER_CLIENT, MEDIA_CLIENT, TransportModule } from '../../apps/gateway/src/transport/transport.module';
import { automock, testConfig, type DeepPartial } from './new-test-service';
import { createTempDatabase, type TempDatabase } from './postgres';

export type MediumDatabase = 'PostgreSQL' | 'PGlite';
/** Every suite of the tier runs on both databases BorderLens supports. */
export const MEDIUM_DATABASES: MediumDatabase[] = ['PostgreSQL', 'PGlite'];

export interface MediumOptions {
  config?: DeepPartial<BorderlensConfig>;
  /** Seed the partner organisations and demo cameras (SeedService), as a new install does. Default true. */
  seed?: boolean;
  /** Replaces a provider of the real modules (e.g. the DNS resolver): [token, value]. */
  override?: [Type | symbol | string, unknown][];
  providers?: Provider[];
}

export interface MediumApp {
  module: TestingModule;
  cfg: BorderlensConfig;
  dataSource: DataSource;
  /** The transport to the media node and the anonymizer: strict mocks (close() resolves). */
  media: jest.Mocked<ServiceClient>;
  anonymizer: jest.Mocked<ServiceClient>;
  get<T>(type: Type<T>): T;
  close(): Promise<void>;
}

function transportMock(): jest.Mocked<ServiceClient> {
  const client = automock(ServiceClient);
  client.close.mockResolvedValue(undefined as never);
  return client;
}

export async function startMedium(kind: MediumDatabase, imports: NonNullable<ModuleMetadata['imports']>, opts: MediumOptions = {}): Promise<MediumApp> {
  const temp: TempDatabase | undefined = kind === 'PostgreSQL' ? await createTempDatabase() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'bl-medium-'));
  const cfg = testConfig({
    // Timers stay out of the way: a test runs each round itself.
    incidents: { checkIntervalSec: 300 },
    audit: { checkpointIntervalSec: 3600 },
    clips: { checkIntervalSec: 3600 },
    ...opts.config,
    dataDir,
    seedDemoData: opts.seed ?? true,
    logLevel: 'silent',
    // embeddedPort 0: a PGlite of this process only, no socket shared with other processes.
    database: { url: temp?.url ?? '', embeddedPort: 0, migrationUrl: '' },
  });
  const media = transportMock();
  const anonymizer = transportMock();
  let builder = Test.createTestingModule({
    imports: [ConfigModule.forRoot(cfg), DatabaseModule.forRoot(), SchedulerModule, AuditModule, AuthModule, TransportModule, ...imports],
    providers: [SeedService, ...(opts.providers ?? [])],
  })
    .overrideProvider(MEDIA_CLIENT)
    .useValue(media)
    .overrideProvider(ANONYMIZER_CLIENT)
    .useValue(anonymizer)
    // No Keycloak and no service keys: nothing in this tier verifies a user token or signs a call.
    .overrideProvider(TokenVerifier)
    .useValue(automock(TokenVerifier))
    .overrideProvider(ServiceTokens)
    .useValue(automock(ServiceTokens));
  for (const [token, value] of opts.override ?? []) builder = builder.overrideProvider(token).useValue(value);
  let module: TestingModule | undefined;
  try {
    module = await builder.compile();
    module.useLogger(false);
    await module.init();
  } catch (e) {
    await module?.close().catch(() => undefined);
    await temp?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const m = module;
  return {
    module: m,
    cfg,
    dataSource: m.get(DataSource),
    media,
    anonymizer,
    get: <T>(type: Type<T>) => m.get(type, { strict: false }),
    async close() {
      await m.close();
      await temp?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
