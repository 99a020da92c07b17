import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { verifyClip } from '../clip/clip-manifest';

const USAGE = 'usage: npm run clip:verify -- CLIP.mp4 MANIFEST.json [--jwks JWKS.json]';

/**
 * `npm run clip:verify -- CLIP.mp4 MANIFEST.json`: checks offline that the manifest is signed by the
 * gateway's key and that the file is the one it describes. Exit 0 valid, 1 not valid (each problem
 * named), 2 could not check. With --jwks (the gateway's /api/v1/clips/jwks saved as a file) the
 * signature must come from one of those keys; without it, from the key in the manifest, whose
 * thumbprint is printed to compare with the published one.
 */
async function main(args: string[]): Promise<number> {
  const jwksAt = args.indexOf('--jwks');
  let keys: { keys: JWK[] } | undefined;
  if (jwksAt >= 0) {
    keys = JSON.parse(readFileSync(args[jwksAt + 1], 'utf8')) as { keys: JWK[] };
    args.splice(jwksAt, 2);
  }
  if (args.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const [clipFile, manifestFile] = args;
  const r = await verifyClip(readFileSync(clipFile), readFileSync(manifestFile, 'utf8'), keys);
  if (r.ok) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')).manifest;
    process.stdout.write(
      `VALID: ${clipFile} is clip ${m.requestId} of camera ${m.camera.id} (${m.camera.jurisdiction}), ${m.range.from} - ${m.range.to}, ${m.file.form}, for ${m.requester.organisation}\n`,
    );
    process.stdout.write(
      `signed by key ${r.keyId} (JWK thumbprint ${r.keyThumbprint})${keys ? ', found in the given key set' : '; compare it with the key published at ' + m.jwksUrl}\n`,
    );
    return 0;
  }
  process.stdout.write(`NOT VALID: ${clipFile} / ${manifestFile}\n${r.problems.map((p) => `  - ${p}\n`).join('')}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`clip:verify could not check: ${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  },
);
