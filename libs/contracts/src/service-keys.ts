import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceKeyDir, type BorderlensConfig } from '@borderlens/config';
import { ServiceName } from './patterns';

/**
 * The keys one app holds: its own Ed25519 private key (signs its calls and replies) and the other
 * apps' public keys (verify theirs). No app holds another's private key, so none can speak as another.
 */
export interface ServiceKeyring {
  self: ServiceName;
  privateKey: KeyObject;
  publicKeys: Partial<Record<ServiceName, KeyObject>>;
}

const APPS = Object.values(ServiceName);

/** Writes `content` to `file` unless it exists, atomically (apps starting together race for it). */
function writeOnce(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Creates the missing keys of every app (and its NATS password) in `dir`: the one-machine start and the
 * tests. Existing files are kept. In production each app gets only its own `.key` and the `.pub` files.
 */
export function generateServiceKeys(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const app of APPS) {
    const keyFile = join(dir, `${app}.key`);
    if (!existsSync(keyFile) && !existsSync(join(dir, `${app}.pub`))) {
      const { privateKey } = generateKeyPairSync('ed25519');
      writeOnce(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    }
    if (existsSync(keyFile)) {
      chmodSync(keyFile, 0o600);
      const pub = createPublicKey(createPrivateKey(readFileSync(keyFile))).export({ type: 'spki', format: 'pem' }) as string;
      writeOnce(join(dir, `${app}.pub`), pub);
    }
    if (!existsSync(join(dir, `${app}.nats-password`))) writeOnce(join(dir, `${app}.nats-password`), randomBytes(24).toString('base64url') + '\n');
  }
}

/** The keyring of `self` from transport.keyDir (generated there first when the default directory is used). */
export function loadServiceKeyring(cfg: BorderlensConfig, self: ServiceName): ServiceKeyring {
  const dir = serviceKeyDir(cfg);
  if (!cfg.transport.keyDir) generateServiceKeys(dir);
  const keyFile = join(dir, `${self}.key`);
  if (!existsSync(keyFile)) throw new Error(`service key of '${self}' missing: ${keyFile} (transport.keyDir)`);
  const privateKey = createPrivateKey(readFileSync(keyFile));
  const publicKeys: ServiceKeyring['publicKeys'] = {};
  for (const app of APPS) {
    const pub = join(dir, `${app}.pub`);
    if (existsSync(pub)) publicKeys[app] = createPublicKey(readFileSync(pub));
  }
  return { self, privateKey, publicKeys };
}

/** This app's NATS password: transport.natsPassword, else keyDir/<app>.nats-password, else none. */
export function natsPassword(cfg: BorderlensConfig, self: ServiceName): string | undefined {
  if (cfg.transport.natsPassword) return cfg.transport.natsPassword;
  const file = join(serviceKeyDir(cfg), `${self}.nats-password`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
