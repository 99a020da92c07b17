import { stringify } from 'yaml';
import { OPTIONS } from './options';

/**
 * Renders borderlens.yml: every option with its default, its documentation and the environment
 * variable that overrides it. `npm run config:doc` rewrites the file; a test keeps it in step.
 */
export function renderConfigFile(): string {
  const lines = [
    '# BorderLens configuration. Every option is listed with its default.',
    '# Environment variables (named on each option) override this file.',
    '# Another file can be chosen with BORDERLENS_CONFIG=/path/to/file.yml.',
    '',
  ];
  let section = '';
  for (const o of OPTIONS) {
    const parts = o.path.split('.');
    const top = parts.length > 1 ? parts[0] : '';
    if (top !== section) {
      section = top;
      if (top) lines.push('', `${top}:`);
    }
    const indent = parts.length > 1 ? '  ' : '';
    const value = stringify(o.default, { flow: true }).trim();
    const allowed = o.oneOf ? ` One of: ${o.oneOf.join(', ')}.` : '';
    lines.push(`${indent}# ${o.doc}${allowed} (env ${o.env})`);
    lines.push(`${indent}${parts[parts.length - 1]}: ${value}`);
  }
  return lines.join('\n') + '\n';
}

if (require.main === module) process.stdout.write(renderConfigFile());
