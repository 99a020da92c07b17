import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canUnshare, inLoopbackOnlyNetns } from '../../../apps/media/test-tools/netns';

const ROOT = resolve(__dirname, '../../..');

/**
 * Browser tests run in a private network namespace that holds only loopback: nothing the browser,
 * the media node or the camera simulator does can reach another machine. Outside one, this
 * re-runs the spec file with jest inside `unshare -n` (without the integration global setup,
 * which may need servers outside) and reports that run as one test.
 * Returns true when the caller should define its tests (we are inside).
 */
export function insideLoopbackNetns(specFile: string): boolean {
  if (inLoopbackOnlyNetns()) return true;
  it(
    `runs ${specFile.split('/').pop()} inside a loopback-only network namespace`,
    () => {
      if (!canUnshare()) throw new Error('cannot create a network namespace (unshare -n): run the media browser tests as root');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const jestConfig = require(join(ROOT, 'jest.config.js'));
      const project = { ...jestConfig.projects.find((p: { displayName: string }) => p.displayName === 'integration') };
      delete project.globalSetup;
      const dir = mkdtempSync(join(tmpdir(), 'bl-netns-jest-'));
      const configFile = join(dir, 'jest.config.json');
      let r: ReturnType<typeof spawnSync>;
      try {
        writeFileSync(configFile, JSON.stringify({ ...project, rootDir: ROOT, testTimeout: jestConfig.testTimeout }));
        r = spawnSync(
          'unshare',
          [
            '-n',
            '--',
            'sh',
            '-c',
            'ip link set lo up && exec "$@"',
            'sh',
            process.execPath,
            join(ROOT, 'node_modules/jest/bin/jest.js'),
            '--config',
            configFile,
            '--runInBand',
            '--forceExit',
            '--runTestsByPath',
            specFile,
            // MEDIA_TEST_NAME=pattern runs only matching tests inside (jest -t applies to this wrapper outside)
            ...(process.env.MEDIA_TEST_NAME ? ['-t', process.env.MEDIA_TEST_NAME] : []),
          ],
          { stdio: 'inherit', env: { ...process.env, BORDERLENS_NETNS: '1' }, cwd: ROOT },
        );
      } finally {
        // the config file is only read by the child's jest at start-up; the folder goes when it exits
        rmSync(dir, { recursive: true, force: true });
      }
      expect(r.status).toBe(0);
    },
    30 * 60_000,
  );
  return false;
}
