import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { AuditRepository, AuditService, SYSTEM_ACTOR } from '@borderlens/audit';
import type { BorderlensConfig } from '@borderlens/config';
import { AuditEntryEntity, CameraEntity, OrganisationEntity, RecordingSegmentEntity, openDatabase, type Database } from '@borderlens/database';
import { testConfig } from '../support/gateway';
import { freeLoopbackPort } from '@borderlens/common';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

const ROOT = resolve(__dirname, '../..');

/** The same migrations and repositories on both databases BorderLens supports. */
describe.each(['PGlite', 'PostgreSQL'])('database on %s', (kind) => {
  let cfg: BorderlensConfig;
  let db: Database;
  let temp: TempDatabase | undefined;
  let audit: AuditService;

  beforeAll(async () => {
    if (kind === 'PostgreSQL') temp = await createTempDatabase();
    cfg = await testConfig({ databaseUrl: temp?.url, env: { DATABASE_EMBEDDED_PORT: String(await freeLoopbackPort()) } });
    db = await openDatabase(cfg);
    audit = new AuditService(new AuditRepository(db.dataSource, db.dataSource.getRepository(AuditEntryEntity)));
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await temp?.drop();
    if (cfg) rmSync(cfg.dataDir, { recursive: true, force: true });
  });

  /** `npm run audit:verify` against this database, as an operator would run it. */
  function auditVerify(): { code: number | null; out: string } {
    const env = {
      ...process.env,
      BORDERLENS_DATA_DIR: cfg.dataDir,
      DATABASE_URL: cfg.database.url,
      DATABASE_EMBEDDED_PORT: String(cfg.database.embeddedPort),
      LOG_LEVEL: 'silent',
    };
    const r = spawnSync(process.execPath, ['dist/apps/gateway/src/cli/audit-verify.js'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout + r.stderr };
  }

  /** What an attacker with database superuser rights could do: bypass the append-only triggers. */
  async function asSuperuser(sql: string, params: unknown[] = []): Promise<void> {
    await db.dataSource.transaction(async (m) => {
      await m.query('ALTER TABLE audit_entries DISABLE TRIGGER USER');
      await m.query(sql, params);
      await m.query('ALTER TABLE audit_entries ENABLE TRIGGER USER');
    });
  }

  it('applies the migrations, and they describe exactly the entities', async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    expect(await db.dataSource.showMigrations()).toBe(false);
  });

  it('keeps referential integrity: a camera with recordings cannot be deleted', async () => {
    const m = db.dataSource.manager;
    await m.insert(OrganisationEntity, { id: 'test-org', name: 'Test', country: 'PL', kind: 'municipality', legalRegime: 'gdpr' });
    const cam = await m.save(
      CameraEntity,
      m.create(CameraEntity, {
        organisationId: 'test-org',
        name: 'c',
        jurisdiction: 'PL',
        kind: 'fixed',
        latitude: 50.47,
        longitude: 17.33,
        ingestType: 'rtsp',
        rtspUrl: 'rtsp://192.0.2.1/',
        retentionDays: 30,
      }),
    );
    await m.insert(RecordingSegmentEntity, { cameraId: cam.id, mediaNode: 'n1', path: 'a.mp4', startedAt: new Date(), endedAt: new Date(), bytes: '1000' });
    // 23503 foreign_key_violation (PostgreSQL 15) or 23001 restrict_violation (PostgreSQL 18 in PGlite)
    await expect(m.delete(CameraEntity, { id: cam.id })).rejects.toMatchObject({ code: expect.stringMatching(/^(23503|23001)$/) });
    await expect(m.insert(CameraEntity, { ...cam, id: undefined, organisationId: 'no-such-org' })).rejects.toMatchObject({ code: '23503' });
  });

  it('appends concurrent audit entries as one gap-free chain', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => audit.record({ actor: SYSTEM_ACTOR, operation: 'consultation', object: `camera:${i}`, decision: 'permit', details: { i } })),
    );
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, entries: 40 });
    const seqs = (await db.dataSource.query('SELECT seq::int AS seq FROM audit_entries ORDER BY seq')).map((r: { seq: number }) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows in the database itself', async () => {
    await expect(db.dataSource.query("UPDATE audit_entries SET decision = 'deny' WHERE seq = 1")).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.dataSource.query('DELETE FROM audit_entries WHERE seq = 2')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(db.dataSource.query('TRUNCATE audit_entries')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await audit.verify()).entries).toBe(40);
  });

  it('audit:verify reports an intact chain, then names the first altered, deleted or reordered entry', async () => {
    let r = auditVerify();
    expect(r.out).toMatch(/audit trail intact: 40 entries/);
    expect(r.code).toBe(0);

    // Altered: entry 12 says deny instead of permit.
    await asSuperuser("UPDATE audit_entries SET decision = 'deny' WHERE seq = 12");
    r = auditVerify();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at entry 12: content does not match its hash/);
    await asSuperuser("UPDATE audit_entries SET decision = 'permit' WHERE seq = 12");
    expect(auditVerify().code).toBe(0);

    // Deleted: entry 20 disappears.
    const [row20] = await db.dataSource.query('SELECT * FROM audit_entries WHERE seq = 20');
    await asSuperuser('DELETE FROM audit_entries WHERE seq = 20');
    r = auditVerify();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at entry 21: entries 20..20 are missing/);
    const cols = Object.keys(row20);
    await asSuperuser(
      `INSERT INTO audit_entries (${cols.map((c) => `"${c}"`).join(',')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')})`,
      cols.map((c) => (typeof row20[c] === 'object' && !(row20[c] instanceof Date) ? JSON.stringify(row20[c]) : row20[c])),
    );
    expect(auditVerify().code).toBe(0);

    // Reordered: entries 30 and 31 swap places (their contents move, numbers stay).
    await asSuperuser(`UPDATE audit_entries a SET "time" = b."time", object = b.object, details = b.details, prev_hash = b.prev_hash, hash = b.hash
      FROM audit_entries b WHERE (a.seq, b.seq) IN ((30, 31), (31, 30))`);
    r = auditVerify();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at entry 30: previous-hash link does not match/);
  });
});
