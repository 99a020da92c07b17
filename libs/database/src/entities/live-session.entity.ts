import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { CameraEntity } from './camera.entity';

export const GRANT_FORMS = ['raw', 'anonymized'] as const;
export type GrantForm = (typeof GRANT_FORMS)[number];
export const LIVE_SESSION_STATES = ['active', 'ended'] as const;
export type LiveSessionState = (typeof LIVE_SESSION_STATES)[number];

/** A signed grant token issued for this session: the media node knows a session by the jti it was opened with. */
export interface IssuedToken {
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** What the media node must still be told about this session (retried until it answers). */
export interface PendingGrantChange {
  action: 'end' | 'downgrade';
  reason: string;
}

/**
 * A live viewing session: one permit decision turned into short-lived grant tokens, renewed while the
 * viewer watches and re-decided when incidents end or policies change.
 */
@Entity('live_sessions')
@Index(['state', 'form'])
export class LiveSessionEntity {
  /** The session id (renewal, end). */
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'camera_id', type: 'uuid' })
  cameraId: string;

  /** Live sessions die with their camera; the audit trail keeps the record. */
  @ManyToOne(() => CameraEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'camera_id' })
  camera?: CameraEntity;

  /** Keycloak subject of the viewer. */
  @Column({ name: 'user_id', type: 'varchar', length: 200 })
  userId: string;

  @Column({ type: 'varchar', length: 200 })
  username: string;

  /** Display name, for watermarks. */
  @Column({ name: 'user_name', type: 'varchar', length: 200, default: '' })
  userName: string;

  @Column({ name: 'organisation_id', type: 'varchar', length: 64 })
  organisationId: string;

  @Column({ type: 'varchar', length: 2 })
  country: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  roles: string[];

  /** Form granted now (a raw grant may be downgraded to anonymized). */
  @Column({ type: 'varchar', length: 16 })
  form: GrantForm;

  @Column({ name: 'requested_form', type: 'varchar', length: 16 })
  requestedForm: GrantForm;

  @Column({ type: 'text', default: '' })
  purpose: string;

  @Column({ name: 'duration_sec', type: 'int', nullable: true })
  durationSec: number | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  obligations: Record<string, unknown>;

  /** Rules behind the latest decision, as `CZ@3:rule-id`. */
  @Column({ name: 'policy_ids', type: 'jsonb', default: () => "'[]'" })
  policyIds: string[];

  /** Incidents covering the camera at the latest decision. */
  @Column({ name: 'incident_ids', type: 'jsonb', default: () => "'[]'" })
  incidentIds: string[];

  /** Tokens issued and not yet expired. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  tokens: IssuedToken[];

  /** Expiry of the latest token: a session not renewed by then has lapsed. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** Longest the session may last (maximum duration obligation or the requested duration). */
  @Column({ name: 'ends_at', type: 'timestamptz', nullable: true })
  endsAt: Date | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  state: LiveSessionState;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;

  @Column({ name: 'pending_change', type: 'jsonb', nullable: true })
  pendingChange: PendingGrantChange | null;

  @CreateDateColumn({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
