import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { OrganisationEntity } from './organisation.entity';

/** GeoJSON Polygon, or a centre and radius in metres. */
export type IncidentArea =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'Circle'; center: [number, number]; radiusMeters: number };

@Entity('incidents')
export class IncidentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** flood, fire, accident, missing-person, ... */
  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'int' })
  severity: number;

  @Column({ type: 'varchar', length: 500, default: '' })
  title: string;

  @Column({ type: 'jsonb' })
  area: IncidentArea;

  @Column({ name: 'organisation_id', type: 'varchar', length: 64 })
  organisationId: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: OrganisationEntity;

  @Column({ type: 'varchar', length: 2 })
  country: string;

  @Column({ name: 'declared_by', type: 'varchar', length: 200 })
  declaredBy: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  /** Planned end: the incident expires by itself then unless extended. */
  @Index()
  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  /** Set when ended early by an operator, or when the planned end passed (expiry). */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  /** User who ended it, or `system` for expiry. */
  @Column({ name: 'ended_by', type: 'varchar', length: 200, nullable: true })
  endedBy: string | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
