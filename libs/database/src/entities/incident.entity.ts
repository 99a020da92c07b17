import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { OrganisationEntity } from './organisation.entity';

/** Where a country stands on an incident: accepted (in effect for its cameras), refused, or withdrawn. */
export type AcceptanceState = 'accepted' | 'refused' | 'withdrawn';

export interface IncidentAcceptance {
  state: AcceptanceState;
  /** Organisation and user that decided (for the declaring country: the declarer). */
  organisationId: string;
  by: string;
  /** ISO 8601 */
  at: string;
  reason: string;
}

/** GeoJSON Polygon, or a centre and radius in metres. */
export type IncidentArea = { type: 'Polygon'; coordinates: number[][][] } | { type: 'Circle'; center: [number, number]; radiusMeters: number };

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

  /**
   * The incident's jurisdiction (whose rules decide declaring and extending it): the country of its
   * area, or for an area across a border the declaring user's country.
   */
  @Column({ type: 'varchar', length: 2 })
  country: string;

  /** Countries whose land the area touches (country borders data); more than one: a cross-border incident. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  countries: string[];

  /** Country of the declaring user. */
  @Column({ name: 'declaring_country', type: 'varchar', length: 2 })
  declaringCountry: string;

  /**
   * Per country (alpha-2): whether the incident is in effect for that country's cameras. The declaring
   * country accepts by declaring; any other country only when an authorised operator of it accepts.
   */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  acceptances: Record<string, IncidentAcceptance>;

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
