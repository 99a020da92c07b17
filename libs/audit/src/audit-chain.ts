import { createHash } from 'node:crypto';
import type { AuditOperation } from '@borderlens/database';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an entry that its hash covers (everything but the hash itself). */
export interface AuditRecord {
  seq: string;
  time: Date;
  actorUser: string;
  actorOrganisation: string;
  actorCountry: string;
  operation: AuditOperation;
  object: string;
  justification: string;
  recipient: string;
  decision: string;
  policyIds: string[];
  details: Record<string, unknown>;
  prevHash: string;
}

/** JSON with object keys sorted at every level, so equal content always encodes to equal bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function entryHash(r: AuditRecord): string {
  const covered = {
    seq: String(r.seq),
    time: r.time.toISOString(),
    actorUser: r.actorUser,
    actorOrganisation: r.actorOrganisation,
    actorCountry: r.actorCountry,
    operation: r.operation,
    object: r.object,
    justification: r.justification,
    recipient: r.recipient,
    decision: r.decision,
    policyIds: r.policyIds,
    details: r.details,
    prevHash: r.prevHash,
  };
  return createHash('sha256').update(canonicalJson(covered)).digest('hex');
}

export interface ChainBreak {
  /** Sequence number of the first entry that does not fit the chain. */
  seq: string;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  lastHash: string;
  firstBreak?: ChainBreak;
}

/**
 * Checks entries in storage order (by seq): numbering without gaps from 1, each entry's hash over its
 * content, and each prevHash equal to the previous entry's hash. Names the first entry that fails.
 */
export class ChainVerifier {
  private expectedSeq = 1n;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private broken?: ChainBreak;

  push(e: AuditRecord & { hash: string }): boolean {
    if (this.broken) return false;
    const seq = BigInt(e.seq);
    if (seq !== this.expectedSeq) {
      this.broken = {
        seq: String(e.seq),
        reason: seq > this.expectedSeq ? `entries ${this.expectedSeq}..${seq - 1n} are missing` : `sequence number out of order (expected ${this.expectedSeq})`,
      };
    } else if (e.prevHash !== this.prevHash) {
      this.broken = { seq: String(e.seq), reason: 'previous-hash link does not match the entry before it (entry removed, inserted or reordered)' };
    } else if (entryHash(e) !== e.hash) {
      this.broken = { seq: String(e.seq), reason: 'content does not match its hash (entry altered)' };
    }
    if (this.broken) return false;
    this.expectedSeq = seq + 1n;
    this.prevHash = e.hash;
    this.count++;
    return true;
  }

  report(): ChainReport {
    return { ok: !this.broken, entries: this.count, lastHash: this.prevHash, firstBreak: this.broken };
  }
}
