import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { SharingLevel } from '@borderlens/policy';
import { OrganisationEntity } from './organisation.entity';

export const CAMERA_KINDS = ['fixed', 'mobile', 'drone'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];
export const CAMERA_STATES = ['online', 'offline', 'error'] as const;
export type CameraState = (typeof CAMERA_STATES)[number];
export const INGEST_TYPES = ['rtsp', 'push'] as const;
export type IngestType = (typeof INGEST_TYPES)[number];
export const REDACTION_METHODS = ['blur', 'pixelate', 'fill'] as const;
export type RedactionMethod = (typeof REDACTION_METHODS)[number];

@Entity('cameras')
export class CameraEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'organisation_id', type: 'varchar', length: 64 })
  organisationId: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: OrganisationEntity;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Country whose law governs the footage. */
  @Column({ type: 'varchar', length: 2 })
  jurisdiction: string;

  @Column({ type: 'varchar', length: 16 })
  kind: CameraKind;

  @Column({ type: 'double precision' })
  latitude: number;

  @Column({ type: 'double precision' })
  longitude: number;

  @Column({ name: 'ingest_type', type: 'varchar', length: 8 })
  ingestType: IngestType;

  /** RTSP URL without credentials (safe to show). */
  @Column({ name: 'rtsp_url', type: 'text', nullable: true })
  rtspUrl: string | null;

  @Column({ name: 'rtsp_transport', type: 'varchar', length: 3, default: 'tcp' })
  rtspTransport: 'tcp' | 'udp';

  /** "user:password" of the RTSP URL, AES-256-GCM encrypted with security.encryptionKey. */
  @Column({ name: 'credentials_encrypted', type: 'text', nullable: true })
  credentialsEncrypted: string | null;

  @Column({ name: 'push_protocol', type: 'varchar', length: 4, nullable: true })
  pushProtocol: 'rtmp' | 'srt' | null;

  /** SHA-256 of the push key; the key itself is shown once when issued. */
  @Index({ unique: true, where: 'push_key_hash IS NOT NULL' })
  @Column({ name: 'push_key_hash', type: 'varchar', length: 64, nullable: true })
  pushKeyHash: string | null;

  /**
   * What the owner shares with other organisations (see SHARING_LEVELS in @borderlens/policy). The API
   * always sets it (the owner kind's default); rows written without it share on request.
   */
  @Column({ type: 'varchar', length: 16, default: 'on-request' })
  sharing: SharingLevel;

  @Column({ name: 'retention_days', type: 'int' })
  retentionDays: number;

  @Column({ name: 'recording_enabled', type: 'boolean', default: true })
  recordingEnabled: boolean;

  @Column({ name: 'redaction_method', type: 'varchar', length: 16, nullable: true })
  redactionMethod: RedactionMethod | null;

  @Column({ type: 'varchar', length: 16, default: 'offline' })
  state: CameraState;

  @Column({ name: 'state_reason', type: 'text', nullable: true })
  stateReason: string | null;

  /**
   * Set while the owner's administrators have the camera disabled: nothing is ingested, no new live
   * session or clip request is opened on it; its recordings stay under retention. Null = enabled.
   */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** Why it was disabled (shown to its administrators). */
  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
