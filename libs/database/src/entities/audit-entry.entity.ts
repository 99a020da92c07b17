import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Kinds of processing that Art. 25 of Directive (EU) 2016/680 requires to be logged. */
export const AUDIT_OPERATIONS = ['collection', 'consultation', 'disclosure', 'alteration', 'combination', 'erasure'] as const;
export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

/**
 * One entry of the append-only, hash-chained audit trail. The database refuses UPDATE, DELETE and
 * TRUNCATE on this table (trigger in the initial migration).
 */
@Entity('audit_entries')
export class AuditEntryEntity {
  /** 1, 2, 3, ... without gaps. */
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'timestamptz' })
  time: Date;

  @Column({ name: 'actor_user', type: 'varchar', length: 200 })
  actorUser: string;

  @Column({ name: 'actor_organisation', type: 'varchar', length: 64 })
  actorOrganisation: string;

  @Column({ name: 'actor_country', type: 'varchar', length: 2 })
  actorCountry: string;

  @Column({ type: 'varchar', length: 16 })
  operation: AuditOperation;

  /** e.g. camera:1b2c..., policy:CZ@3, clip:... */
  @Column({ type: 'varchar', length: 300 })
  object: string;

  @Column({ type: 'text', default: '' })
  justification: string;

  /** Organisation (and country) the data went to, for disclosures. */
  @Column({ type: 'varchar', length: 200, default: '' })
  recipient: string;

  /** permit, deny, or the outcome of the operation. */
  @Column({ type: 'varchar', length: 32 })
  decision: string;

  @Column({ name: 'policy_ids', type: 'jsonb', default: () => "'[]'" })
  policyIds: string[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
