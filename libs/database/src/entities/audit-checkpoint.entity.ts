import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A signed checkpoint of the audit chain's head: the gateway signs (seq, hash, time) every
 * audit.checkpointEvery entries or audit.checkpointIntervalSec seconds. Cutting entries off the end,
 * or rewriting and re-hashing the chain, no longer matches a checkpoint (`npm run audit:verify`).
 * Append-only like the entries.
 */
@Entity('audit_checkpoints')
export class AuditCheckpointEntity {
  /** Sequence number of the last entry covered. */
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  /** Hash of that entry. */
  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @Column({ type: 'timestamptz' })
  time: Date;

  /** Compact JWS (EdDSA) over {seq, hash, time} by the gateway's audit key (kid in its header). */
  @Column({ type: 'text' })
  token: string;
}
