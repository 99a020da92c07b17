import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AnalyticsAlertRule, AnalyticsLine, AnalyticsZone } from '@borderlens/contracts';
import { CameraEntity } from './camera.entity';

/** A camera's analytics: on or off, its zones, lines and alert rules (drawn by the owner's administrators). */
@Entity('analytics_configs')
export class AnalyticsConfigEntity {
  @PrimaryColumn({ name: 'camera_id', type: 'uuid' })
  cameraId: string;

  /** Cascade: the configuration means nothing without its camera. */
  @OneToOne(() => CameraEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'camera_id' })
  camera?: CameraEntity;

  @Column({ type: 'boolean', default: false })
  enabled: boolean;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  zones: AnalyticsZone[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  lines: AnalyticsLine[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  alerts: AnalyticsAlertRule[];

  /** Bumped on every change: the anonymizer starts counting afresh. */
  @Column({ type: 'int', default: 1 })
  revision: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 200 })
  updatedBy: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/**
 * One minute of counts of a camera for one zone or line, class and direction ('' for zones). Only
 * aggregates: no track, box or frame is ever stored.
 */
@Entity('analytics_minutes')
@Index(['minute'])
export class AnalyticsMinuteEntity {
  @PrimaryColumn({ name: 'camera_id', type: 'uuid' })
  cameraId: string;

  @ManyToOne(() => CameraEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'camera_id' })
  camera?: CameraEntity;

  @PrimaryColumn({ type: 'timestamptz' })
  minute: Date;

  @PrimaryColumn({ type: 'varchar', length: 4 })
  kind: 'zone' | 'line';

  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 40 })
  targetId: string;

  @PrimaryColumn({ type: 'varchar', length: 12 })
  cls: string;

  /** 'forward' | 'backward' for lines, '' for zones. */
  @PrimaryColumn({ type: 'varchar', length: 8 })
  direction: string;

  @Column({ type: 'int', default: 0 })
  crossings: number;

  @Column({ name: 'occupancy_max', type: 'int', default: 0 })
  occupancyMax: number;

  @Column({ name: 'occupancy_avg', type: 'real', default: 0 })
  occupancyAvg: number;

  @Column({ type: 'int', default: 0 })
  samples: number;
}

/** An alert raised by a rule of a camera's analytics, until someone acknowledges it. */
@Entity('analytics_alerts')
@Index(['cameraId', 'raisedAt'])
export class AnalyticsAlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'camera_id', type: 'uuid' })
  cameraId: string;

  @ManyToOne(() => CameraEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'camera_id' })
  camera?: CameraEntity;

  @Column({ name: 'rule_id', type: 'varchar', length: 40 })
  ruleId: string;

  /** What the rule said and what was measured, for the operator. */
  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'real' })
  value: number;

  @Column({ name: 'raised_at', type: 'timestamptz' })
  raisedAt: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'acknowledged_by', type: 'varchar', length: 200, nullable: true })
  acknowledgedBy: string | null;
}
