import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The screens of apps/web/src/app/routes.tsx, read from its `screen('name', …)` lines, so a new screen is checked at once. */
export function webScreens(): string[] {
  const text = readFileSync(resolve(__dirname, '../../../apps/web/src/app/routes.tsx'), 'utf8');
  return [...text.matchAll(/^\s*screen\('([\w-]+)'/gm)].map((m) => m[1]);
}
