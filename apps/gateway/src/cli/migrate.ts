import 'reflect-metadata';
import { loadConfig } from '@borderlens/config';
import { openDatabase } from '@borderlens/database';

/** `npm run migration:run`: applies pending migrations (the gateway also does so at start). */
async function main(): Promise<void> {
  const db = await openDatabase(loadConfig(), { migrate: false });
  try {
    const done = await db.dataSource.runMigrations();
    process.stdout.write(done.length ? `applied: ${done.map((m) => m.name).join(', ')}\n` : 'database is up to date\n');
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  process.stderr.write(`migration failed: ${(e as Error).message}\n`);
  process.exit(1);
});
