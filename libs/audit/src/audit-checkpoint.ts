import { Injectable } from '@nestjs/common';
import { CompactSign, compactVerify, createLocalJWKSet, decodeProtectedHeader, type JWK } from 'jose';
import { DataSource } from 'typeorm';
import { AuditCheckpointEntity } from '@borderlens/database';
import type { KeyObjectLike } from '@borderlens/auth';
import type { ChainReport } from './audit-chain';

/** What a checkpoint signs: the chain's head at a time. */
export interface CheckpointClaims {
  seq: string;
  hash: string;
  time: string;
}

/** A checkpoint as stored, exported to partners, and kept by them (witnesses). */
export interface SignedCheckpoint extends CheckpointClaims {
  token: string;
}

const TYP = 'audit-checkpoint+jws';

export async function signCheckpoint(claims: CheckpointClaims, privateKey: KeyObjectLike, kid: string | undefined): Promise<SignedCheckpoint> {
  const payload = new TextEncoder().encode(JSON.stringify({ seq: claims.seq, hash: claims.hash, time: claims.time }));
  const token = await new CompactSign(payload).setProtectedHeader({ alg: 'EdDSA', kid, typ: TYP }).sign(privateKey);
  return { ...claims, token };
}

/** The claims of a checkpoint whose signature verifies with `jwks`; throws otherwise. */
export async function openCheckpoint(token: string, jwks: { keys: JWK[] }): Promise<CheckpointClaims> {
  if (decodeProtectedHeader(token).typ !== TYP) throw new Error('not an audit checkpoint');
  const { payload } = await compactVerify(token, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
  const c = JSON.parse(new TextDecoder().decode(payload)) as CheckpointClaims;
  if (typeof c.seq !== 'string' || typeof c.hash !== 'string' || typeof c.time !== 'string') throw new Error('malformed checkpoint');
  return c;
}

export interface CheckpointReport {
  ok: boolean;
  checkpoints: number;
  /** The latest checkpoint that matched the chain. */
  lastSeq?: string;
  problem?: string;
}

/**
 * Checks `checkpoints` (stored ones and those kept by partners) against the chain: each must verify
 * with the gateway's key, and the chain must hold an entry at its seq with its hash. An entry cut off
 * the end, or a chain rewritten and re-hashed, fails here even when the chain is intact in itself.
 * `hashAt` gives the stored hash of entry seq (undefined past the end).
 */
export async function verifyCheckpoints(
  checkpoints: SignedCheckpoint[],
  jwks: { keys: JWK[] },
  chain: ChainReport,
  hashAt: (seq: string) => Promise<string | undefined>,
): Promise<CheckpointReport> {
  const sorted = [...checkpoints].sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0));
  let lastSeq: string | undefined;
  for (const cp of sorted) {
    let claims: CheckpointClaims;
    try {
      claims = await openCheckpoint(cp.token, jwks);
    } catch (e) {
      return {
        ok: false,
        checkpoints: sorted.length,
        lastSeq,
        problem: `checkpoint at entry ${cp.seq}: signature does not verify with the gateway's key (${(e as Error).message})`,
      };
    }
    if (claims.seq !== String(cp.seq) || claims.hash !== cp.hash) {
      return { ok: false, checkpoints: sorted.length, lastSeq, problem: `checkpoint at entry ${cp.seq}: stored fields differ from what was signed` };
    }
    if (BigInt(claims.seq) > BigInt(chain.entries)) {
      return {
        ok: false,
        checkpoints: sorted.length,
        lastSeq,
        problem: `truncated: checkpoint signed at ${claims.time} covers entry ${claims.seq}, the intact chain ends at ${chain.entries}`,
      };
    }
    const hash = await hashAt(claims.seq);
    if (hash !== claims.hash) {
      return {
        ok: false,
        checkpoints: sorted.length,
        lastSeq,
        problem: `entry ${claims.seq} does not match the checkpoint signed at ${claims.time} (chain rewritten and recomputed)`,
      };
    }
    lastSeq = claims.seq;
  }
  return { ok: true, checkpoints: sorted.length, lastSeq };
}

/** The checkpoints table. */
@Injectable()
export class CheckpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  async all(): Promise<SignedCheckpoint[]> {
    const rows = await this.dataSource.getRepository(AuditCheckpointEntity).find({ order: { seq: 'ASC' } });
    return rows.map((r) => ({ seq: String(r.seq), hash: r.hash, time: r.time.toISOString(), token: r.token }));
  }

  async latest(): Promise<{ seq: string; time: Date } | undefined> {
    const rows: { seq: string; time: Date }[] = await this.dataSource.query('SELECT c.seq::text AS seq, c.time FROM audit_checkpoints c ORDER BY c.seq DESC LIMIT 1');
    return rows[0];
  }

  async head(): Promise<{ seq: string; hash: string } | undefined> {
    const rows: { seq: string; hash: string }[] = await this.dataSource.query('SELECT a.seq::text AS seq, a.hash FROM audit_entries a ORDER BY a.seq DESC LIMIT 1');
    return rows[0];
  }

  async hashAt(seq: string): Promise<string | undefined> {
    const rows: { hash: string }[] = await this.dataSource.query('SELECT hash FROM audit_entries WHERE seq = $1', [seq]);
    return rows[0]?.hash;
  }

  async insert(cp: SignedCheckpoint): Promise<void> {
    await this.dataSource.query('INSERT INTO audit_checkpoints (seq, hash, time, token) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING', [
      cp.seq,
      cp.hash,
      cp.time,
      cp.token,
    ]);
  }
}

/**
 * Signs the chain head when `every` entries or `intervalMs` have passed since the last checkpoint
 * (and something was added). Returns the new checkpoint, if one was made.
 */
export async function checkpointIfDue(
  repo: CheckpointRepository,
  key: { privateKey: KeyObjectLike; publicJwk: JWK },
  every: number,
  intervalMs: number,
  now = new Date(),
): Promise<SignedCheckpoint | undefined> {
  const head = await repo.head();
  if (!head) return undefined;
  const last = await repo.latest();
  const since = last ? BigInt(head.seq) - BigInt(last.seq) : BigInt(head.seq);
  if (since <= 0n) return undefined;
  const due = since >= BigInt(every) || !last || now.getTime() - new Date(last.time).getTime() >= intervalMs;
  if (!due) return undefined;
  const cp = await signCheckpoint({ seq: head.seq, hash: head.hash, time: now.toISOString() }, key.privateKey, key.publicJwk.kid);
  await repo.insert(cp);
  return cp;
}
