import type { RedactionMethod } from '@borderlens/redaction';
import { errorLine, fatal, openAnonymizer } from './cli-support';

const USAGE = 'usage: npm run -s redact -- [--method blur|pixelate|fill] [--padding 0.2] [--keep-audio] IN OUT [IN OUT]...';

/**
 * npm run -s redact -- IN OUT: a redacted copy of a JPEG/PNG image or an MP4 video (H.264, audio
 * dropped unless --keep-audio). Several IN OUT pairs may follow; a failing one gets one line on
 * stderr and exit code 1, the others are still written.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let method: RedactionMethod | undefined;
  let padding: number | undefined;
  let keepAudio: boolean | undefined;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--method') {
      const m = args[++i];
      if (m !== 'blur' && m !== 'pixelate' && m !== 'fill') fatal(`--method must be blur, pixelate or fill\n${USAGE}`);
      method = m;
    } else if (a === '--padding') {
      padding = Number(args[++i]);
      if (!Number.isFinite(padding) || padding < 0 || padding > 2) fatal(`--padding must be a number from 0 to 2\n${USAGE}`);
    } else if (a === '--keep-audio') keepAudio = true;
    else if (a === '--help' || a.startsWith('--')) fatal(USAGE);
    else paths.push(a);
  }
  if (paths.length === 0 || paths.length % 2 !== 0) fatal(USAGE);
  const { cfg, files, close } = await openAnonymizer();
  if (keepAudio) cfg.anonymizer.keepAudio = true;
  const opts = { method: method ?? cfg.anonymizer.method, padding: padding ?? cfg.anonymizer.padding };
  let failed = 0;
  for (let i = 0; i < paths.length; i += 2) {
    const [input, output] = [paths[i], paths[i + 1]];
    try {
      const r = await files.redactFile(input, output, opts);
      process.stderr.write(`${input} -> ${output}: ${r.faces} faces, ${r.plates} plates${r.frames !== undefined ? ` over ${r.frames} frames` : ''}\n`);
    } catch (e) {
      failed++;
      process.stderr.write(errorLine(input, e));
    }
  }
  await close();
  process.exitCode = failed ? 1 : 0;
}

void main();
