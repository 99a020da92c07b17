import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PolicySources } from './policy.types';

export const SCHEMA_FILE = 'borderlens.cedarschema';

/**
 * The directory holding the schema and the default policy sets. tsc does not copy non-TS files, so
 * compiled code (dist/libs/policy/src) looks in the source tree as well.
 */
export function defaultPolicyDir(): string {
  const candidates = [resolve(__dirname, '../policies'), resolve(__dirname, '../../../../libs/policy/policies')];
  return candidates.find((dir) => existsSync(join(dir, SCHEMA_FILE))) ?? candidates[0];
}

let schemaText: string | undefined;

/** The Cedar schema every policy set is validated against. */
export function loadSchemaText(dir = defaultPolicyDir()): string {
  if (dir === defaultPolicyDir()) return (schemaText ??= readFileSync(join(dir, SCHEMA_FILE), 'utf8'));
  return readFileSync(join(dir, SCHEMA_FILE), 'utf8');
}

/**
 * Reads `<CC>.cedar` files (CC: a country code) from a directory as version 1 of each jurisdiction's
 * set: the shipped defaults (libs/policy/policies), or a deployment's own directory.
 */
export function loadPolicyDirectory(dir = defaultPolicyDir(), version = 1): PolicySources {
  const sources: PolicySources = {};
  for (const file of readdirSync(dir).sort()) {
    const match = /^([A-Z]{2})\.cedar$/.exec(file);
    if (match) sources[match[1]] = { version, text: readFileSync(join(dir, file), 'utf8') };
  }
  return sources;
}
