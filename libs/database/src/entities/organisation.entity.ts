import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const ORGANISATION_KINDS = ['fire', 'police', 'municipality', 'municipal-police', 'ems'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
/** gdpr: Regulation (EU) 2016/679; led: Law Enforcement Directive (EU) 2016/680 as transposed. */
export const LEGAL_REGIMES = ['gdpr', 'led'] as const;
export type LegalRegime = (typeof LEGAL_REGIMES)[number];

@Entity('organisations')
export class OrganisationEntity {
  /** Stable slug, also the Keycloak user attribute `organisation` (e.g. hzs-olk). */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** ISO 3166-1 alpha-2 country code (CZ, PL, ...). */
  @Column({ type: 'varchar', length: 2 })
  country: string;

  @Column({ type: 'varchar', length: 32 })
  kind: OrganisationKind;

  @Column({ name: 'legal_regime', type: 'varchar', length: 8 })
  legalRegime: LegalRegime;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
