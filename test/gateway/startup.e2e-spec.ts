import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function startGateway(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['dist/apps/gateway/src/main.js'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
}

/** Invalid configuration stops start-up with one line naming the option. */
describe('gateway start-up with invalid configuration', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-start-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [{ GATEWAY_PORT: 'eighty' }, "option 'gateway.port' (environment GATEWAY_PORT): expected a number"],
    [{ DATABASE_URL: 'mysql://db/x' }, "option 'database.url'"],
    [{ CAMERAS_ALLOWED_NETWORKS: '10.0.0.0' }, "option 'cameras.allowedNetworks'"],
  ])('refuses %j', (env, message) => {
    const r = startGateway({ ...env, BORDERLENS_DATA_DIR: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('refuses an unknown option in the configuration file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'borderlens.yml'), 'gateway:\n  prot: 1\n');
    const r = startGateway({ BORDERLENS_CONFIG: join(dir, 'borderlens.yml'), BORDERLENS_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option 'gateway.prot'");
  });
});
