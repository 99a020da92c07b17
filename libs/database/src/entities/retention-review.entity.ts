import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CameraEntity } from './camera.entity';

/** keep: the need to store the camera's recordings and held clips was confirmed; reduce: its retention was lowered. */
export const RETENTION_REVIEW_DECISIONS = ['keep', 'reduce'] as const;
export type RetentionReviewDecision = (typeof RETENTION_REVIEW_DECISIONS)[number];

/**
 * One periodic review, by the owner's legal officer, of the need to keep a camera's recordings and
 * its clips under legal hold (data under the Law Enforcement Directive: Art. 5 LED, CJEU C-118/22).
 * Append-only history: the latest review of a camera sets when the next one is due.
 */
@Entity('retention_reviews')
@Index(['cameraId', 'reviewedAt'])
export class RetentionReviewEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'camera_id', type: 'uuid' })
  cameraId: string;

  /** A deleted camera takes its reviews with it (its recordings and clips are gone; the audit trail keeps the reviews). */
  @ManyToOne(() => CameraEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'camera_id' })
  camera?: CameraEntity;

  @CreateDateColumn({ name: 'reviewed_at', type: 'timestamptz' })
  reviewedAt: Date;

  /** Username of the legal officer. */
  @Column({ name: 'reviewed_by', type: 'varchar', length: 200 })
  reviewedBy: string;

  @Column({ name: 'organisation_id', type: 'varchar', length: 64 })
  organisationId: string;

  @Column({ type: 'varchar', length: 16 })
  decision: RetentionReviewDecision;

  @Column({ type: 'text' })
  reason: string;

  /** The camera's retention after the review. */
  @Column({ name: 'retention_days', type: 'int' })
  retentionDays: number;

  /** Clip requests under legal hold at the time of the review (reviewed with it). */
  @Column({ name: 'held_clip_ids', type: 'jsonb', default: () => "'[]'" })
  heldClipIds: string[];

  /** When the next review is due. */
  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;
}
