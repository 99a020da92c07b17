import { ApiProperty } from '@nestjs/swagger';
import { LEGAL_REGIMES, ORGANISATION_KINDS, type LegalRegime, type OrganisationEntity, type OrganisationKind } from '@borderlens/database';

export class OrganisationDto {
  @ApiProperty({ example: 'gmina-nysa' }) id: string;
  @ApiProperty({ example: 'Gmina Nysa' }) name: string;
  @ApiProperty({ example: 'PL' }) country: string;
  @ApiProperty({ enum: ORGANISATION_KINDS }) kind: OrganisationKind;
  @ApiProperty({ enum: LEGAL_REGIMES, description: 'gdpr, or led (Law Enforcement Directive 2016/680)' }) legalRegime: LegalRegime;

  static from(o: OrganisationEntity): OrganisationDto {
    return { id: o.id, name: o.name, country: o.country, kind: o.kind, legalRegime: o.legalRegime };
  }
}
