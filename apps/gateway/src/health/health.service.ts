import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Patterns, ServiceClient } from '@borderlens/contracts';
import { ANONYMIZER_CLIENT, MEDIA_CLIENT } from '../transport/transport.module';

export interface Check {
  status: 'ok' | 'down';
  ms: number;
  error?: string;
  info?: unknown;
}

export interface HealthReport {
  /** ok: everything answers; degraded: the API works but media or anonymizer do not; down: no database. */
  status: 'ok' | 'degraded' | 'down';
  checks: { database: Check; media: Check; anonymizer: Check };
}

/** What anyone may know: whether the platform is up. */
export type HealthSummary = Pick<HealthReport, 'status'>;

const APP_TIMEOUT_MS = 1500;

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MEDIA_CLIENT) private readonly media: ServiceClient,
    @Inject(ANONYMIZER_CLIENT) private readonly anonymizer: ServiceClient,
  ) {}

  async report(): Promise<HealthReport> {
    const [database, media, anonymizer] = await Promise.all([
      timed(() => this.dataSource.query('SELECT 1')),
      timed(() => this.media.send(Patterns.media.health, {}, APP_TIMEOUT_MS)),
      timed(() => this.anonymizer.send(Patterns.anonymizer.health, {}, APP_TIMEOUT_MS)),
    ]);
    const status = database.status === 'down' ? 'down' : media.status === 'ok' && anonymizer.status === 'ok' ? 'ok' : 'degraded';
    delete database.info;
    return { status, checks: { database, media, anonymizer } };
  }

  async databaseUp(): Promise<boolean> {
    return (await timed(() => this.dataSource.query('SELECT 1'))).status === 'ok';
  }
}

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const t0 = performance.now();
  try {
    const info = await fn();
    return { status: 'ok', ms: Math.round(performance.now() - t0), info };
  } catch (e) {
    return { status: 'down', ms: Math.round(performance.now() - t0), error: (e as Error).message };
  }
}
