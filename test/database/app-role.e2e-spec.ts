import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '@borderlens/config';
import { openDatabase, type Database } from '@borderlens/database';
import { freeLoopbackPort } from '@borderlens/common';
import { POSTGRES_ADMIN_URL, createTempDatabase, type TempDatabase } from '../support/postgres';

/** Migrations as the owner, the apps as a role that may only read and append to the audit trail. */
describe("the apps' database role (PostgreSQL, database.migrationUrl)", () => {
  let temp: TempDatabase;
  let db: Database;
  let app: Client;
  let dataDir: string;
  const role = `bl_app_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    temp = await createTempDatabase();
    const admin = new Client({ connectionString: temp.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'app-password'`);
    await admin.end();
    const appUrl = new URL(temp.url);
    appUrl.username = role;
    appUrl.password = 'app-password';
    dataDir = mkdtempSync(join(tmpdir(), 'bl-approle-'));
    const cfg = loadConfig({ BORDERLENS_DATA_DIR: dataDir, LOG_LEVEL: 'error', DATABASE_URL: appUrl.toString(), DATABASE_MIGRATION_URL: temp.url }, undefined);
    db = await openDatabase(cfg);
    app = new Client({ connectionString: appUrl.toString() });
    await app.connect();
  }, 120_000);

  afterAll(async () => {
    await app?.end();
    await db?.close();
    await temp?.drop();
    const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads and appends to the audit trail', async () => {
    await expect(db.dataSource.query('SELECT count(*) FROM audit_entries')).resolves.toBeDefined();
    await expect(app.query('SELECT count(*) FROM cameras')).resolves.toBeDefined();
  });

  it.each([
    ['disable its triggers', 'ALTER TABLE audit_entries DISABLE TRIGGER ALL', /must be owner/],
    ['drop a trigger', 'DROP TRIGGER audit_entries_no_update_delete ON audit_entries', /must be owner/],
    ['drop the table', 'DROP TABLE audit_entries', /must be owner/],
    ['truncate it', 'TRUNCATE audit_entries', /permission denied/],
    ['delete entries', 'DELETE FROM audit_entries', /permission denied/],
    ['rewrite entries', "UPDATE audit_entries SET justification = 'x'", /permission denied/],
  ])('is refused when it tries to %s', async (_what, sql, error) => {
    await expect(app.query(sql)).rejects.toThrow(error);
  });
});

/** The embedded PGlite has no passwords: it is reached only on a socket in a directory of the user. */
describe('the embedded PGlite', () => {
  let cfg: ReturnType<typeof loadConfig>;
  let db: Database;
  let port: number;

  beforeAll(async () => {
    port = await freeLoopbackPort();
    cfg = loadConfig({ BORDERLENS_DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-pglite-')), LOG_LEVEL: 'error', DATABASE_EMBEDDED_PORT: String(port) }, undefined);
    db = await openDatabase(cfg);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    if (cfg) rmSync(cfg.dataDir, { recursive: true, force: true });
  });

  it('listens on no TCP port, only on a unix socket in a directory only its user may enter', async () => {
    await expect(db.dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    const tcp = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    expect(tcp).toBe(false);
    expect(statSync(join(cfg.dataDir, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(join(cfg.dataDir, 'run', `.s.PGSQL.${port}`)).isSocket()).toBe(true);
  });
});
