import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { CameraEntity } from './camera.entity';

export const CLIP_STATES = ['submitted', 'approved', 'rejected', 'exporting', 'ready', 'failed', 'expired'] as const;
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

  @Column({ type: 'text' })
  purpose: string;

  @Column({ type: 'varchar', length: 16 })
  form: 'raw' | 'anonymized';

  @Column({ type: 'varchar', length: 16, default: 'submitted' })
  state: ClipState;

  @Column({ name: 'decided_by', type: 'varchar', length: 200, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason: string | null;

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
