import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * Recordings and clips hold raw video: only the service user may read them, whatever the umask.
 * Folders are 0700 (also when they existed already), files 0600.
 */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** Creates (or empties) a file as 0600 before ffmpeg writes it: ffmpeg's -y keeps an existing file's mode. */
export function createPrivateFile(file: string): string {
  closeSync(openSync(file, 'w', 0o600));
  chmodSync(file, 0o600);
  return file;
}

export const PRIVATE_FILE_MODE = 0o600;
