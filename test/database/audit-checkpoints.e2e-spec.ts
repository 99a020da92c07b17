import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuditRepository, AuditService, CheckpointRepository, SYSTEM_ACTOR, checkpointIfDue, entryHash } from '@borderlens/audit';
import { loadSigningKey } from '@borderlens/auth';
import type { BorderlensConfig } from '@borderlens/config';
import { AuditEntryEntity, openDatabase, type Database } from '@borderlens/database';
import { auditKeyFile } from '../../apps/gateway/src/audit/audit-checkpoint.service';
import { testConfig } from '../support/gateway';
import { freeLoopbackPort } from '@borderlens/common';
import { createTempDatabase, type TempDatabase } from '../support/postgres';

const ROOT = resolve(__dirname, '../..');
const HOUR = 3_600_000;

/** Signed checkpoints make truncation and a recomputed chain visible to `npm run audit:verify`. */
describe.each(['PGlite', 'PostgreSQL'])('audit checkpoints on %s', (kind) => {
  let cfg: BorderlensConfig;
  let db: Database;
  let temp: TempDatabase | undefined;
  let audit: AuditService;
  let checkpoints: CheckpointRepository;
  let witnessFile: string;

  beforeAll(async () => {
    if (kind === 'PostgreSQL') temp = await createTempDatabase();
    cfg = await testConfig({ databaseUrl: temp?.url, env: { DATABASE_EMBEDDED_PORT: String(await freeLoopbackPort()) } });
    db = await openDatabase(cfg);
    audit = new AuditService(new AuditRepository(db.dataSource, db.dataSource.getRepository(AuditEntryEntity)));
    checkpoints = new CheckpointRepository(db.dataSource);
    witnessFile = join(cfg.dataDir, 'partner-witness.json');
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await temp?.drop();
    if (cfg) rmSync(cfg.dataDir, { recursive: true, force: true });
  });

  function auditVerify(...args: string[]): { code: number | null; out: string } {
    const env = {
      ...process.env,
      BORDERLENS_DATA_DIR: cfg.dataDir,
      DATABASE_URL: cfg.database.url,
      DATABASE_EMBEDDED_PORT: String(cfg.database.embeddedPort),
      LOG_LEVEL: 'silent',
    };
    const r = spawnSync(process.execPath, ['dist/apps/gateway/src/cli/audit-verify.js', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout + r.stderr };
  }

  /** What an operator with database superuser rights could do: bypass the append-only triggers. */
  async function asSuperuser(sql: string, params: unknown[] = []): Promise<void> {
    await db.dataSource.transaction(async (m) => {
      await m.query('ALTER TABLE audit_entries DISABLE TRIGGER USER');
      await m.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
      await m.query(sql, params);
      await m.query('ALTER TABLE audit_entries ENABLE TRIGGER USER');
      await m.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER USER');
    });
  }

  const record = (n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => audit.record({ actor: SYSTEM_ACTOR, operation: 'consultation', object: `camera:${i}`, decision: 'permit' })));

  it('signs the head every N entries or after the interval, and audit:verify checks the checkpoints', async () => {
    const key = await loadSigningKey(auditKeyFile(cfg));
    await record(20);
    expect(await checkpointIfDue(checkpoints, key, 10, HOUR)).toMatchObject({ seq: '20' });
    await record(5);
    expect(await checkpointIfDue(checkpoints, key, 10, HOUR)).toBeUndefined();
    await record(5);
    expect(await checkpointIfDue(checkpoints, key, 10, HOUR)).toMatchObject({ seq: '30' });
    await record(1);
    expect(await checkpointIfDue(checkpoints, key, 10, HOUR, new Date(Date.now() + 2 * HOUR))).toMatchObject({ seq: '31' });
    // The checkpoint table is append-only too.
    await expect(db.dataSource.query('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
    // A partner keeps a copy (what GET /api/v1/audit/checkpoints returns).
    writeFileSync(witnessFile, JSON.stringify({ jwks: { keys: [key.publicJwk] }, checkpoints: await checkpoints.all() }));
    const r = auditVerify();
    expect(r.out).toMatch(/audit trail intact: 31 entries, .*3 signed checkpoints match \(latest at entry 31\)/);
    expect(r.code).toBe(0);
  });

  it('detects entries cut off the end, also when the checkpoints were cut too (partner copy)', async () => {
    await asSuperuser('DELETE FROM audit_entries WHERE seq > 28');
    expect((await audit.verify()).ok).toBe(true); // the chain alone cannot tell
    let r = auditVerify();
    expect(r.out).toMatch(/audit trail BROKEN: truncated: checkpoint signed at .* covers entry 30, the intact chain ends at 28/);
    expect(r.code).toBe(1);
    await asSuperuser('DELETE FROM audit_checkpoints WHERE seq > 28');
    r = auditVerify('--witness', witnessFile);
    expect(r.out).toMatch(/audit trail BROKEN: truncated: .* covers entry 30, the intact chain ends at 28/);
    expect(r.code).toBe(1);
  });

  it('detects a chain rewritten and recomputed from the altered entry on', async () => {
    const rows = await db.dataSource.getRepository(AuditEntryEntity).find({ order: { seq: 'ASC' } });
    let prev = rows[10].hash;
    for (const e of rows.slice(11)) {
      if (e.seq === '12') e.decision = 'deny';
      e.prevHash = prev;
      e.hash = entryHash(e);
      prev = e.hash;
      await asSuperuser('UPDATE audit_entries SET decision = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [e.decision, e.prevHash, e.hash, e.seq]);
    }
    expect((await audit.verify()).ok).toBe(true); // consistent in itself
    const r = auditVerify();
    expect(r.out).toMatch(/audit trail BROKEN: entry 20 does not match the checkpoint signed at .* \(chain rewritten and recomputed\)/);
    expect(r.code).toBe(1);
  });
});
