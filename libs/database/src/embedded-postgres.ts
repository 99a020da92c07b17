import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Runs in a worker thread: PGlite with its files in `dir`, served on a loopback port. A thread of
 * its own keeps the WASM database off the event loop of the app, and loads PGlite with Node's own
 * module loader (PGlite imports Node built-ins dynamically, which test runners' sandboxes refuse).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
  const db = await PGlite.create(workerData.dir);
  const server = new PGLiteSocketServer({ db, path: workerData.socket_path, maxConnections: 100 });
  await server.start();
  parentPort.postMessage({ ready: true });
  parentPort.on('message', async (m) => {
    if (m !== 'stop') return;
    await server.stop();
    await db.close();
    parentPort.postMessage({ stopped: true });
  });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

/**
 * The embedded database of a single-machine install: PGlite (Postgres compiled to WASM) with its
 * files under dataDir/db, served on a unix socket in dataDir/run (mode 0700: only the user that runs
 * BorderLens can reach it; PGlite has no passwords), so the normal `pg` driver, TypeORM and the other
 * BorderLens processes (audit:verify) talk to it exactly as to PostgreSQL.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly worker: Worker,
    private readonly lockFile: string,
    readonly url: string,
  ) {}

  static async start(dataDir: string, port: number): Promise<EmbeddedPostgres> {
    const dir = join(dataDir, 'db');
    mkdirSync(dir, { recursive: true });
    const lockFile = join(dataDir, 'db.lock');
    takeLock(lockFile);
    const { dir: socketDir, path: socketPath } = embeddedSocket(dataDir, port);
    mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    chmodSync(socketDir, 0o700);
    if (existsSync(socketPath)) unlinkSync(socketPath); // left by a dead process (we hold the lock)
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { dir, socket_path: socketPath, pglite: require.resolve('@electric-sql/pglite'), socket: require.resolve('@electric-sql/pglite-socket') },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(`embedded database failed: ${m.error}`))));
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`embedded database exited with code ${code}`)));
      });
      return new EmbeddedPostgres(worker, lockFile, embeddedUrl(dataDir, port));
    } catch (e) {
      await worker.terminate();
      releaseLock(lockFile);
      throw e;
    }
  }

  /** Closes PGlite cleanly (its files are flushed), then ends the thread. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      this.worker.on('message', (m: { stopped?: boolean }) => {
        if (m.stopped) {
          clearTimeout(timer);
          resolve();
        }
      });
      this.worker.postMessage('stop');
    });
    await this.worker.terminate();
    releaseLock(this.lockFile);
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
    if (pid && isAlive(pid)) {
      throw new Error(`the embedded database in ${file.replace(/db\.lock$/, 'db')} is in use by process ${pid}; stop it, or set DATABASE_URL`);
    }
    unlinkSync(file);
    takeLock(file);
  }
}

function releaseLock(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
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

/** The unix socket of the embedded database of `dataDir` (named after database.embeddedPort, as PostgreSQL names its own). */
export function embeddedSocket(dataDir: string, port: number): { dir: string; path: string } {
  const dir = join(dataDir, 'run');
  return { dir, path: join(dir, `.s.PGSQL.${port || 5432}`) };
}

/** Connection URL of the embedded database over its socket (the `pg` driver takes a directory as host). */
export function embeddedUrl(dataDir: string, port: number): string {
  return `postgres://postgres@${encodeURIComponent(embeddedSocket(dataDir, port).dir)}:${port || 5432}/postgres`;
}
