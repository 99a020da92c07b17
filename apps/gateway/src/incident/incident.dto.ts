import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { AcceptanceState, IncidentArea, IncidentEntity } from '@borderlens/database';

export const INCIDENT_STATES = ['planned', 'active', 'ended'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

const AREA_DOC =
  'GeoJSON Polygon `{"type":"Polygon","coordinates":[[[lon,lat],...,[lon,lat]]]}` (closed rings, holes allowed) or a circle `{"type":"Circle","center":[lon,lat],"radiusMeters":1500}`';

export class DeclareIncidentDto {
  @ApiProperty({ example: 'flood', description: 'flood, fire, accident, missing-person, ... (lower case letters, digits, dashes)' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'type must be lower case letters, digits and dashes (at most 64)' })
  type: string;

  @ApiProperty({ minimum: 1, maximum: 5, description: '1 (minor) .. 5 (disaster)' })
  @IsInt()
  @Min(1)
  @Max(5)
  severity: number;

  @ApiProperty({ example: 'Povodeň na Bělé / Powódź na Białej' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title: string;

  @ApiProperty({ type: Object, description: AREA_DOC, example: { type: 'Circle', center: [17.2047, 50.2293], radiusMeters: 2000 } })
  @IsObject()
  area: IncidentArea;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  startsAt?: Date;

  @ApiProperty({ type: String, format: 'date-time', description: 'Planned end: the incident expires then unless extended; at most incidents.maxDurationHours from now' })
  @Type(() => Date)
  @IsDate()
  endsAt: Date;
}

export class ExtendIncidentDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'New planned end: later than the current one, at most incidents.maxDurationHours from now' })
  @Type(() => Date)
  @IsDate()
  endsAt: Date;

  @ApiProperty({ description: 'Why the incident goes on (recorded in the audit trail)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class EndIncidentDto {
  @ApiProperty({ description: 'Why the incident is over (recorded in the audit trail)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

/** Accepting, refusing or withdrawing an acceptance, on behalf of the caller's country. */
export class IncidentAcceptanceDecisionDto {
  @ApiProperty({ example: 'Confirmed with the Nysa crisis staff by phone', description: 'Why (recorded in the audit trail)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class IncidentAcceptanceDto {
  @ApiProperty({ example: 'PL', description: 'The country this entry is about' }) country: string;
  @ApiProperty({ enum: ['accepted', 'refused', 'withdrawn'], description: "accepted: in effect for this country's cameras (the declaring country accepts by declaring)" })
  state: AcceptanceState;
  @ApiProperty({ description: 'Organisation of the user who decided' }) organisationId: string;
  @ApiProperty({ description: 'User who decided' }) by: string;
  @ApiProperty() at: string;
  @ApiProperty() reason: string;
}

export class IncidentQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'all'], default: 'open', description: 'open: active or planned; all: also ended (newest first, at most 500)' })
  @IsOptional()
  @IsIn(['open', 'all'])
  state?: 'open' | 'all';
}

export class IncidentDto {
  @ApiProperty() id: string;
  @ApiProperty() type: string;
  @ApiProperty() severity: number;
  @ApiProperty() title: string;
  @ApiProperty({ type: Object, description: AREA_DOC }) area: IncidentArea;
  @ApiProperty({ description: 'Organisation of the declaring user' }) organisationId: string;
  @ApiProperty({ description: "The incident's jurisdiction: the country of its area, or the declaring user's for an area across a border" }) jurisdiction: string;
  @ApiProperty({ type: [String], example: ['CZ', 'PL'], description: 'Countries whose land the area touches (country borders data)' }) countries: string[];
  @ApiProperty({ description: 'The area touches more than one country' }) crossBorder: boolean;
  @ApiProperty({ description: 'Country of the declaring user' }) declaringCountry: string;
  @ApiProperty({
    type: [IncidentAcceptanceDto],
    description:
      "Per country: in effect (accepted), refused or withdrawn. Raw video on a country's cameras is unlocked only where that country's entry is accepted. Accept, refuse or withdraw with POST /api/v1/incidents/{id}/accept | refuse | withdraw",
  })
  acceptances: IncidentAcceptanceDto[];
  @ApiProperty({ type: [String], description: 'Countries of the area that have neither accepted nor refused it yet' }) awaitingAcceptance: string[];
  @ApiProperty() declaredBy: string;
  @ApiProperty() startsAt: string;
  @ApiProperty({ description: 'Planned end' }) endsAt: string;
  @ApiProperty({ nullable: true, type: String }) endedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'User who ended it, or system (expiry)' }) endedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
  @ApiProperty({ enum: INCIDENT_STATES }) state: IncidentState;
  @ApiPropertyOptional({ type: [String], description: 'Cameras in the area that the caller can see (single reads only)' }) cameraIds?: string[];

  static from(i: IncidentEntity, now = new Date(), cameraIds?: string[]): IncidentDto {
    return {
      id: i.id,
      type: i.type,
      severity: i.severity,
      title: i.title,
      area: i.area,
      organisationId: i.organisationId,
      jurisdiction: i.country,
      countries: i.countries,
      crossBorder: i.countries.length > 1,
      declaringCountry: i.declaringCountry,
      acceptances: Object.entries(i.acceptances ?? {})
        .map(([country, a]) => ({ country, ...a }))
        .sort((a, b) => a.at.localeCompare(b.at)),
      awaitingAcceptance: i.countries.filter((c) => !i.acceptances?.[c]),
      declaredBy: i.declaredBy,
      startsAt: i.startsAt.toISOString(),
      endsAt: i.endsAt.toISOString(),
      endedAt: i.endedAt?.toISOString() ?? null,
      endedBy: i.endedBy,
      endReason: i.endReason,
      state: incidentState(i, now),
      ...(cameraIds ? { cameraIds } : {}),
    };
  }
}

export function incidentState(i: IncidentEntity, now = new Date()): IncidentState {
  if (i.endedAt || i.endsAt <= now) return 'ended';
  return i.startsAt > now ? 'planned' : 'active';
}
