import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BorderlensConfig } from './config.types';

/**
 * A secret from configuration, or one generated once into the data directory (mode 0600) so a
 * single machine works without setup and keeps working across restarts.
 */
function fileSecret(dataDir: string, name: string, make: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return value;
}

/** Where the apps' service keys live (transport.keyDir, default dataDir/service-keys). */
export function serviceKeyDir(cfg: BorderlensConfig): string {
  return cfg.transport.keyDir || join(cfg.dataDir, 'service-keys');
}

export function encryptionKey(cfg: BorderlensConfig): Buffer {
  const b64 = cfg.security.encryptionKey || fileSecret(cfg.dataDir, 'encryption-key', () => randomBytes(32).toString('base64'));
  return Buffer.from(b64, 'base64');
}
