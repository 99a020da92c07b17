import { join } from 'node:path';
import { generateServiceKeys } from '@borderlens/contracts';

/** A key directory (transport.keyDir) with every app's key, shared by the processes of one test. */
export function testKeyDir(parent: string): string {
  const dir = join(parent, 'service-keys');
  generateServiceKeys(dir);
  return dir;
}
