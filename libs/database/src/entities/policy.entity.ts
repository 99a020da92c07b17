import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The sharing rules of one jurisdiction; points at its active version. */
@Entity('policies')
export class PolicyEntity {
  /** Country code of the jurisdiction (CZ, PL, ...). */
  @PrimaryColumn({ type: 'varchar', length: 2 })
  jurisdiction: string;

  @Column({ name: 'active_version', type: 'int', nullable: true })
  activeVersion: number | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

export const POLICY_VERSION_STATES = ['draft', 'active', 'retired'] as const;
export type PolicyVersionState = (typeof POLICY_VERSION_STATES)[number];

/** A legal officer's co-signature of a draft that changes decisions on their organisation's cameras. */
export interface PolicyCosignature {
  organisationId: string;
  by: string;
  at: string;
  reason: string;
}

/** One immutable text of a jurisdiction's Cedar policy set. */
@Entity('policy_versions')
@Index(['jurisdiction', 'version'], { unique: true })
export class PolicyVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 2 })
  jurisdiction: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'varchar', length: 16 })
  state: PolicyVersionState;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string;

  /** Why this version was written or activated. */
  @Column({ type: 'text', default: '' })
  reason: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'activated_by', type: 'varchar', length: 200, nullable: true })
  activatedBy: string | null;

  /** Why it was activated (or rolled back to). */
  @Column({ name: 'activation_reason', type: 'text', nullable: true })
  activationReason: string | null;

  /** For a rollback: the earlier version whose text this one repeats. */
  @Column({ name: 'source_version', type: 'int', nullable: true })
  sourceVersion: number | null;

  /** Co-signatures of the legal officers of other organisations whose cameras the version decides differently. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  cosignatures: PolicyCosignature[];
}
