import { errorLine, fatal, openAnonymizer } from './cli-support';

/**
 * npm run -s detect -- FILE...
 * One JSON line per image on stdout: {"file","width","height","faces":[{"box","score"}],"plates":[...]},
 * boxes in the image's own pixels. A file that cannot be read gets one line on stderr; the others
 * are still processed, and the exit code is 1.
 */
async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.includes('--help')) fatal('usage: npm run -s detect -- IMAGE...');
  const { files: anonymizer, close } = await openAnonymizer();
  let failed = 0;
  for (const file of files) {
    try {
      process.stdout.write(JSON.stringify(await anonymizer.detectFile(file)) + '\n');
    } catch (e) {
      failed++;
      process.stderr.write(errorLine(file, e));
    }
  }
  await close();
  process.exitCode = failed ? 1 : 0;
}

void main();
