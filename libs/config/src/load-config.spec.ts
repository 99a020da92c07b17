import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from './load-config';
import { OPTIONS } from './options';
import { renderConfigFile } from './render-config-file';

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function tempFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bl-config-'));
  tempDirs.push(dir);
  const file = join(dir, 'borderlens.yml');
  writeFileSync(file, content);
  return file;
}

describe('loadConfig', () => {
  it('uses the defaults when there is no file and no environment', () => {
    const cfg = loadConfig({}, undefined);
    expect(cfg.gateway.port).toBe(3000);
    expect(cfg.database.url).toBe('');
    expect(cfg.keycloak.algorithms).toEqual(['RS256', 'PS256', 'ES256']);
    expect(cfg.dataDir).toBe(resolve('.data'));
  });

  it('reads the file and lets the environment override it', () => {
    const file = tempFile('gateway:\n  port: 4000\nlogLevel: debug\n');
    const cfg = loadConfig({ LOG_LEVEL: 'warn', DATABASE_URL: 'postgres://u@127.0.0.1/db' }, file);
    expect(cfg.gateway.port).toBe(4000);
    expect(cfg.logLevel).toBe('warn');
    expect(cfg.database.url).toBe('postgres://u@127.0.0.1/db');
  });

  it('parses lists from comma-separated environment variables', () => {
    const cfg = loadConfig({ CAMERAS_ALLOW_SPECIAL_NETWORKS: '127.0.0.0/8, ::1/128' }, undefined);
    expect(cfg.cameras.allowSpecialNetworks).toEqual(['127.0.0.0/8', '::1/128']);
  });

  it.each([
    [{ GATEWAY_PORT: 'eighty' }, "option 'gateway.port'"],
    [{ GATEWAY_PORT: '70000' }, "option 'gateway.port'"],
    [{ LOG_LEVEL: 'loud' }, "option 'logLevel'"],
    [{ DATABASE_URL: 'mysql://x@y/z' }, "option 'database.url'"],
    [{ NATS_URL: 'not a url' }, "option 'transport.natsUrl'"],
    [{ NATS_CA_FILE: '/etc/ca.pem' }, "option 'transport.natsCaFile'"],
    [{ TRANSPORT_HOST: '0.0.0.0' }, 'the TCP transport has no TLS'],
    [{ NATS_URL: 'nats://nats.example:4222' }, 'NATS on another machine needs TLS'],
    [{ ENCRYPTION_KEY: 'AAAA' }, "option 'security.encryptionKey'"],
    [{ ANONYMIZER_FACE_THRESHOLD: '1.5' }, "option 'anonymizer.faceThreshold'"],
  ])('refuses invalid values and names the option: %j', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv, undefined)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv, undefined)).toThrow(message);
  });

  it('refuses unknown options in the file', () => {
    const file = tempFile('gateway:\n  prot: 4000\n');
    expect(() => loadConfig({}, file)).toThrow("unknown option 'gateway.prot'");
  });

  it('refuses a file that is not YAML', () => {
    expect(() => loadConfig({}, tempFile('gateway: [\n'))).toThrow('not valid YAML');
  });
});

describe('borderlens.yml', () => {
  const text = readFileSync(resolve(__dirname, '../../../borderlens.yml'), 'utf8');

  it('is the rendering of the option list (run `npm run -s config:doc > borderlens.yml`)', () => {
    expect(text).toBe(renderConfigFile());
  });

  it('loads to exactly the defaults', () => {
    const parsed = parse(text);
    for (const o of OPTIONS) {
      const v = o.path.split('.').reduce((x: any, k) => x?.[k], parsed);
      expect([o.path, v]).toEqual([o.path, o.default]);
    }
  });
});
