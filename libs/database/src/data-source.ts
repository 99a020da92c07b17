import { createConnection } from 'node:net';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { BorderlensConfig } from '@borderlens/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { EmbeddedPostgres, embeddedSocket, embeddedUrl } from './embedded-postgres';

export interface Database {
  dataSource: DataSource;
  kind: 'postgres' | 'pglite';
  /** Closes the connection and, if this process started it, the embedded database. */
  close(): Promise<void>;
}

export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL >= 13 and PGlite; no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: { max: poolSize },
  };
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Connects to PostgreSQL (database.url) or to the embedded PGlite: the one another BorderLens process
 * already serves on its unix socket (dataDir/run, database.embeddedPort), else one this process starts. Runs pending migrations.
 */
export async function openDatabase(cfg: BorderlensConfig, opts: { migrate?: boolean } = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = cfg.database.url;
  if (!url) {
    const port = cfg.database.embeddedPort;
    if (port !== 0 && (await socketAnswers(embeddedSocket(cfg.dataDir, port).path))) {
      url = embeddedUrl(cfg.dataDir, port);
    } else {
      embedded = await EmbeddedPostgres.start(cfg.dataDir, port);
      url = embedded.url;
    }
  }
  if (cfg.database.url && cfg.database.migrationUrl && opts.migrate !== false) await migrateAsOwner(cfg.database.migrationUrl, cfg.database.url);
  // PGlite runs one transaction at a time: more than one pooled connection would interleave them.
  const dataSource = new DataSource(dataSourceOptions(url, cfg.database.url ? cfg.database.poolSize : 1));
  try {
    await dataSource.initialize();
    if (opts.migrate !== false && !(cfg.database.url && cfg.database.migrationUrl)) await dataSource.runMigrations();
  } catch (e) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw e;
  }
  return {
    dataSource,
    kind: cfg.database.url ? 'postgres' : 'pglite',
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** Tables the apps only append to and read: the audit trail and its checkpoints. */
const APPEND_ONLY_TABLES = ['audit_entries', 'audit_checkpoints'];

/**
 * Runs the migrations as the owner role (database.migrationUrl) and grants the apps' role (the user of
 * database.url) what they need: everything on the other tables, only SELECT and INSERT on the audit
 * trail. Not being the owner, the apps' role cannot ALTER, DROP or TRUNCATE it, nor disable its triggers.
 */
async function migrateAsOwner(ownerUrl: string, appUrl: string): Promise<void> {
  const appRole = decodeURIComponent(new URL(appUrl).username);
  const owner = new DataSource(dataSourceOptions(ownerUrl, 1));
  await owner.initialize();
  try {
    await owner.runMigrations();
    if (!appRole) return;
    const role = `"${appRole.replace(/"/g, '""')}"`;
    const tables: { name: string }[] = await owner.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`);
    for (const { name } of tables) {
      const t = `"${name.replace(/"/g, '""')}"`;
      await owner.query(`REVOKE ALL ON ${t} FROM ${role}`);
      await owner.query(`GRANT ${APPEND_ONLY_TABLES.includes(name) ? 'SELECT, INSERT' : 'SELECT, INSERT, UPDATE, DELETE'} ON ${t} TO ${role}`);
    }
    await owner.query(
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA current_schema() TO ${role}`.replace(
        'current_schema()',
        '"' + (await owner.query('SELECT current_schema() AS s'))[0].s + '"',
      ),
    );
  } finally {
    await owner.destroy();
  }
}
