import { spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';

/** True inside a network namespace that has nothing but loopback (what `unshare -n` gives). */
export function inLoopbackOnlyNetns(): boolean {
  const names = Object.keys(networkInterfaces());
  return names.every((n) => n === 'lo') && process.env.BORDERLENS_NETNS === '1';
}

/** Whether this user can make a private network namespace (root, or unprivileged user namespaces). */
export function canUnshare(): boolean {
  const r = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Runs `argv` inside a fresh network namespace holding only loopback, so nothing the browser or
 * the node does can leave the machine. Returns the exit status.
 */
export function runInLoopbackNetns(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const script = 'ip link set lo up && exec "$@"';
  const r = spawnSync('unshare', ['-n', '--', 'sh', '-c', script, 'sh', ...argv], { stdio: 'inherit', env: { ...env, BORDERLENS_NETNS: '1' } });
  return r.status ?? 1;
}
