import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { AuditRepository, AuditService, CheckpointRepository, verifyCheckpoints, type SignedCheckpoint } from '@borderlens/audit';
import { ConfigError, loadConfig } from '@borderlens/config';
import { AuditEntryEntity, openDatabase } from '@borderlens/database';
import { auditKeyFile } from '../audit/audit-checkpoint.service';

/**
 * `npm run audit:verify [-- --witness FILE ...] [--jwks FILE]`: checks the whole audit chain
 * (numbering, links, hashes) and names the first broken entry, then the signed checkpoints of the
 * chain head, stored and those a partner kept (`--witness`, the JSON of GET /api/v1/audit/checkpoints):
 * an entry cut off the end or a chain recomputed after a change no longer matches them. The key is
 * the gateway's audit key (dataDir/audit-signing-key.json) or `--jwks`. Exit 0 when intact, 1 when
 * broken, 2 when it could not check.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { witness: { type: 'string', multiple: true }, jwks: { type: 'string' } } });
  const cfg = loadConfig();
  const jwks = trustedKeys(values.jwks, auditKeyFile(cfg));
  const witnessed: SignedCheckpoint[] = (values.witness ?? []).flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as { checkpoints: SignedCheckpoint[] }).checkpoints);
  const db = await openDatabase(cfg, { migrate: false });
  try {
    // A one-shot command on a bare DataSource, without the gateway's Nest container (which would start
    // its jobs and transports): the command is its own composition root and builds the two repositories.
    const service = new AuditService(new AuditRepository(db.dataSource, db.dataSource.getRepository(AuditEntryEntity)));
    const r = await service.verify();
    if (!r.ok) {
      process.stdout.write(`audit trail BROKEN at entry ${r.firstBreak!.seq}: ${r.firstBreak!.reason} (${r.entries} entries before it are intact)\n`);
      return 1;
    }
    const checkpoints = new CheckpointRepository(db.dataSource);
    const all = [...(await checkpoints.all()), ...witnessed];
    if (all.length > 0 && !jwks) throw new Error(`no key to verify the checkpoints with: ${auditKeyFile(cfg)} missing (give --jwks)`);
    const c = await verifyCheckpoints(all, jwks ?? { keys: [] }, r, (seq) => checkpoints.hashAt(seq));
    if (!c.ok) {
      process.stdout.write(`audit trail BROKEN: ${c.problem} (the chain itself is consistent over ${r.entries} entries)\n`);
      return 1;
    }
    process.stdout.write(
      `audit trail intact: ${r.entries} entries, last hash ${r.lastHash}; ${c.checkpoints} signed checkpoints match${c.lastSeq ? ` (latest at entry ${c.lastSeq})` : ''}${witnessed.length ? `, ${witnessed.length} of them kept by partners` : ''}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

/** The public half of the gateway's audit key, or the JWKS given. */
function trustedKeys(jwksFile: string | undefined, keyFile: string): { keys: JWK[] } | undefined {
  if (jwksFile) return JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: JWK[] };
  if (!existsSync(keyFile)) return undefined;
  const { d: _d, ...pub } = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  return { keys: [pub] };
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`audit:verify could not check the trail: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    process.exit(2);
  },
);
