import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { OPTIONS, OptionSpec } from './options';
import type { BorderlensConfig } from './config.types';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The configuration file: $BORDERLENS_CONFIG, else ./borderlens.yml when it exists. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.BORDERLENS_CONFIG) return resolve(env.BORDERLENS_CONFIG);
  const local = resolve('borderlens.yml');
  return existsSync(local) ? local : undefined;
}

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

function fail(spec: OptionSpec, source: string, why: string): never {
  throw new ConfigError(`Invalid configuration: option '${spec.path}' (${source}): ${why}`);
}

function coerce(spec: OptionSpec, raw: unknown, source: string): unknown {
  switch (spec.type) {
    case 'string': {
      if (typeof raw === 'number') raw = String(raw);
      if (typeof raw !== 'string') fail(spec, source, 'expected a string');
      if (spec.oneOf && !spec.oneOf.includes(raw as string)) fail(spec, source, `expected one of ${spec.oneOf.join(', ')}, got '${raw}'`);
      return raw;
    }
    case 'int':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) fail(spec, source, `expected a number, got '${String(raw)}'`);
      if (spec.type === 'int' && !Number.isInteger(n)) fail(spec, source, `expected an integer, got '${String(raw)}'`);
      if (spec.min !== undefined && n < spec.min) fail(spec, source, `must be >= ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) fail(spec, source, `must be <= ${spec.max}, got ${n}`);
      return n;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail(spec, source, `expected true or false, got '${String(raw)}'`);
    }
    case 'list': {
      if (typeof raw === 'string')
        return raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw;
      return fail(spec, source, 'expected a list of strings');
    }
  }
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

/**
 * Defaults, then the file, then environment variables. Unknown keys in the file and invalid values
 * stop start-up with a message that names the option.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, file = configFilePath(env)): BorderlensConfig {
  let fromFile: unknown = {};
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`Configuration file not found: ${file}`);
    try {
      fromFile = parse(readFileSync(file, 'utf8')) ?? {};
    } catch (e) {
      throw new ConfigError(`Configuration file ${file} is not valid YAML: ${(e as Error).message}`);
    }
  }
  rejectUnknownKeys(fromFile, '');
  const out: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    let value: unknown = spec.default;
    const inFile = getPath(fromFile, spec.path);
    if (inFile !== undefined && inFile !== null) value = coerce(spec, inFile, file ?? 'file');
    const inEnv = env[spec.env];
    if (inEnv !== undefined) value = coerce(spec, inEnv, `environment ${spec.env}`);
    setPath(out, spec.path, value);
  }
  const cfg = out as unknown as BorderlensConfig;
  cfg.dataDir = resolve(expandHome(cfg.dataDir));
  if (cfg.gateway.webDir) cfg.gateway.webDir = resolve(expandHome(cfg.gateway.webDir));
  cfg.keycloak.cacheDir = resolve(expandHome(cfg.keycloak.cacheDir));
  if (!isAbsolute(cfg.anonymizer.modelDir)) cfg.anonymizer.modelDir = resolve(cfg.anonymizer.modelDir);
  if (cfg.incidents.bordersFile) cfg.incidents.bordersFile = resolve(expandHome(cfg.incidents.bordersFile));
  checkCrossOptionRules(cfg);
  return cfg;
}

/** The demo fixed camera's RTSP endpoint (host:port) when demo.cameras is on: a loopback address cameras may use. */
export function demoCameraEndpoint(cfg: BorderlensConfig): string | null {
  return cfg.demo.cameras ? `127.0.0.1:${cfg.demo.rtspPort}` : null;
}

const KNOWN_PATHS = new Set(OPTIONS.map((o) => o.path));
const KNOWN_PREFIXES = new Set(
  OPTIONS.flatMap((o) =>
    o.path
      .split('.')
      .slice(0, -1)
      .map((_, i, a) => a.slice(0, i + 1).join('.')),
  ),
);

function rejectUnknownKeys(node: unknown, prefix: string): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) {
    if (prefix === '') throw new ConfigError('Configuration file must hold a mapping of options');
    return;
  }
  for (const key of Object.keys(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (KNOWN_PATHS.has(path)) continue;
    if (!KNOWN_PREFIXES.has(path)) throw new ConfigError(`Invalid configuration: unknown option '${path}'`);
    rejectUnknownKeys((node as Record<string, unknown>)[key], path);
  }
}

function checkCrossOptionRules(cfg: BorderlensConfig): void {
  const spec = (p: string) => OPTIONS.find((o) => o.path === p)!;
  if (cfg.media.srtPassphrase && (cfg.media.srtPassphrase.length < 10 || cfg.media.srtPassphrase.length > 79)) {
    fail(spec('media.srtPassphrase'), 'value', 'must be 10 to 79 characters (SRT)');
  }
  if (cfg.transport.natsCaFile && !cfg.transport.natsUrl) {
    fail(spec('transport.natsCaFile'), 'value', 'needs transport.natsUrl');
  }
  if (cfg.security.encryptionKey && Buffer.from(cfg.security.encryptionKey, 'base64').length !== 32) {
    fail(spec('security.encryptionKey'), 'value', 'must be the base64 encoding of exactly 32 bytes');
  }
  for (const p of ['database.url', 'database.migrationUrl', 'transport.natsUrl', 'keycloak.issuer', 'gateway.publicUrl', 'media.publicUrl'] as const) {
    const v = getPath(cfg, p) as string;
    if (v && !URL.canParse(v)) fail(spec(p), 'value', `'${v}' is not a URL`);
  }
  if (cfg.database.url && !/^postgres(ql)?:$/.test(new URL(cfg.database.url).protocol)) {
    fail(spec('database.url'), 'value', 'must be a postgres:// or postgresql:// URL');
  }
  if (cfg.transport.natsUrl && !/^(nats|tls):$/.test(new URL(cfg.transport.natsUrl).protocol)) {
    fail(spec('transport.natsUrl'), 'value', 'must be a nats:// or tls:// URL');
  }
  // Calls between the apps carry camera credentials: across machines only inside TLS.
  const loopback = (host: string) => /^(127\.|localhost$|\[?::1\]?$)/.test(host);
  if (!cfg.transport.natsUrl && !loopback(cfg.transport.host)) {
    fail(spec('transport.host'), 'value', 'the TCP transport has no TLS: keep it on loopback, and use transport.natsUrl with TLS across machines');
  }
  if (cfg.transport.natsUrl) {
    const u = new URL(cfg.transport.natsUrl);
    if (u.protocol === 'nats:' && !cfg.transport.natsCaFile && !loopback(u.hostname)) {
      fail(spec('transport.natsUrl'), 'value', 'NATS on another machine needs TLS: a tls:// URL or transport.natsCaFile');
    }
  }
}
