import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { CameraEntity } from './camera.entity';

/** submitted -> approved | rejected | cancelled; approved -> exporting -> ready | failed; ready -> expired (file erased). */
export const CLIP_STATES = ['submitted', 'approved', 'rejected', 'cancelled', 'exporting', 'ready', 'failed', 'expired'] as const;
export type ClipState = (typeof CLIP_STATES)[number];

@Entity('clip_requests')
export class ClipRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'camera_id', type: 'uuid' })
  cameraId: string;

  /** Restrict: a camera with clip requests cannot be deleted (they may be under legal hold). */
  @ManyToOne(() => CameraEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'camera_id' })
  camera?: CameraEntity;

  @Column({ name: 'requester_id', type: 'varchar', length: 200 })
  requesterId: string;

  @Column({ name: 'requester_organisation', type: 'varchar', length: 64 })
  requesterOrganisation: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'requester_name', type: 'varchar', length: 200, default: '' })
  requesterName: string;

  @Column({ name: 'requester_country', type: 'varchar', length: 2, default: '' })
  requesterCountry: string;

  /** Purpose category (CLIP_PURPOSES in the gateway). */
  @Column({ type: 'text' })
  purpose: string;

  /** Free-text justification of the request. */
  @Column({ type: 'text', default: '' })
  justification: string;

  @Column({ name: 'case_reference', type: 'varchar', length: 100, nullable: true })
  caseReference: string | null;

  @Column({ type: 'boolean', default: false })
  urgent: boolean;

  /** Answer deadline (Directive (EU) 2023/977 between police forces of two countries); null: none. */
  @Index()
  @Column({ name: 'deadline_at', type: 'timestamptz', nullable: true })
  deadlineAt: Date | null;

  /** Rules that permitted the request (and raw, when asked), as CZ@3:rule-id. */
  @Column({ name: 'policy_ids', type: 'jsonb', default: () => "'[]'" })
  policyIds: string[];

  /** Obligations of the permit (strictest wins): watermark, ownerApproval, maxDurationSec, anonymize. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  obligations: Record<string, unknown>;

  /** The reasons of the permitting rules, as the legal basis named in the manifest. */
  @Column({ name: 'legal_basis', type: 'text', default: '' })
  legalBasis: string;

  @Column({ type: 'varchar', length: 16 })
  form: 'raw' | 'anonymized';

  @Column({ type: 'varchar', length: 16, default: 'submitted' })
  state: ClipState;

  @Column({ name: 'decided_by', type: 'varchar', length: 200, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** Organisation of the legal officer who decided. */
  @Column({ name: 'decider_organisation', type: 'varchar', length: 64, nullable: true })
  deciderOrganisation: string | null;

  /** Rules behind the approval (clip.approve). */
  @Column({ name: 'approval_policy_ids', type: 'jsonb', default: () => "'[]'" })
  approvalPolicyIds: string[];

  @Column({ name: 'export_started_at', type: 'timestamptz', nullable: true })
  exportStartedAt: Date | null;

  /** Exports started for this request (a restart of the media node starts one again). */
  @Column({ name: 'export_attempts', type: 'int', default: 0 })
  exportAttempts: number;

  /** Seconds left, estimated while exporting. */
  @Column({ name: 'eta_sec', type: 'int', nullable: true })
  etaSec: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'bigint', nullable: true })
  bytes: string | null;

  /** Models the anonymizer ran with when the export started (name, file, sha256). */
  @Column({ name: 'anonymizer_models', type: 'jsonb', default: () => "'[]'" })
  anonymizerModels: { name: string; file: string; sha256: string }[];

  /** The signed manifest ({manifest, signature, key}) once ready. */
  @Column({ type: 'jsonb', nullable: true })
  manifest: Record<string, unknown> | null;

  /** 0..1 while exporting. */
  @Column({ type: 'real', default: 0 })
  progress: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  sha256: string | null;

  @Column({ type: 'text', nullable: true })
  path: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'legal_hold', type: 'boolean', default: false })
  legalHold: boolean;

  @Column({ name: 'hold_reason', type: 'text', nullable: true })
  holdReason: string | null;

  @Column({ name: 'held_by', type: 'varchar', length: 200, nullable: true })
  heldBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
