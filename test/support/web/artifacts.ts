import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where browser tests leave screenshots and logs: WEB_ARTIFACTS_DIR, else test-artifacts/web/ at the
 * repository root (gitignored; CI uploads it).
 */
export function artifactsDir(suite: string): string {
  const base = process.env.WEB_ARTIFACTS_DIR || resolve(__dirname, '../../../test-artifacts/web');
  const dir = join(base, suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}
