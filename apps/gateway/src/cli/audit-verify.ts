import 'reflect-metadata';
import { AuditRepository, AuditService } from '@borderlens/audit';
import { ConfigError, loadConfig } from '@borderlens/config';
import { AuditEntryEntity, openDatabase } from '@borderlens/database';

/**
 * `npm run audit:verify`: checks the whole audit chain (numbering, links, hashes) and names the
 * first broken entry. Exit 0 when intact, 1 when broken, 2 when it could not check.
 */
async function main(): Promise<number> {
  const cfg = loadConfig();
  const db = await openDatabase(cfg, { migrate: false });
  try {
    const service = new AuditService(new AuditRepository(db.dataSource, db.dataSource.getRepository(AuditEntryEntity)));
    const r = await service.verify();
    if (r.ok) {
      process.stdout.write(`audit trail intact: ${r.entries} entries, last hash ${r.lastHash}\n`);
      return 0;
    }
    process.stdout.write(`audit trail BROKEN at entry ${r.firstBreak!.seq}: ${r.firstBreak!.reason} (${r.entries} entries before it are intact)\n`);
    return 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`audit:verify could not check the trail: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    process.exit(2);
  },
);
