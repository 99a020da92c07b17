import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded database of a single-machine install: PGlite (Postgres compiled to WASM) with its
 * files under dataDir/db, served on a loopback port so the normal `pg` driver, TypeORM and the other
 * BorderLens processes (audit:verify) talk to it exactly as to PostgreSQL.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lockFile: string,
    readonly url: string,
  ) {}

  static async start(dataDir: string, port: number): Promise<EmbeddedPostgres> {
    const dir = join(dataDir, 'db');
    mkdirSync(dir, { recursive: true });
    const lockFile = join(dataDir, 'db.lock');
    takeLock(lockFile);
    try {
      const db = await PGlite.create(dir);
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port });
      await server.start();
      const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
      return new EmbeddedPostgres(db, server, lockFile, `postgres://postgres@127.0.0.1:${address.port}/postgres`);
    } catch (e) {
      unlinkSync(lockFile);
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    try {
      unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }
}

/** One process owns the PGlite files; a lock left by a dead process is taken over. */
function takeLock(file: string): void {
  try {
    const fd = openSync(file, 'wx');
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const pid = Number(readFileSync(file, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`the embedded database ${file} is in use by process ${pid}; stop it or set DATABASE_URL`);
    }
    unlinkSync(file);
    takeLock(file);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
