import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  ACTIONS,
  ROLES,
  SHARING_LEVELS,
  type Action,
  type SharingLevel,
  type DeterminingPolicies,
  type IncidentInContext,
  type MatrixChange,
  type Obligations,
  type PolicyMatrix,
} from '@borderlens/policy';
import { REASONS_LANGUAGE } from './reasons-language';

/** Which text to evaluate: a stored draft (any version), an unsaved text, or neither: the active set. */
export class DraftChoiceDto {
  @ApiPropertyOptional({ description: 'A stored version of this jurisdiction (usually a draft) to evaluate in place of the active one' })
  @IsOptional()
  @IsInt()
  @Min(1)
  draftVersion?: number;

  @ApiPropertyOptional({ description: 'An unsaved Cedar text to evaluate in place of the active one (validated first)' })
  @IsOptional()
  @IsString()
  text?: string;
}

export class SimulatedUserDto {
  @ApiProperty({ example: 'gmina-nysa' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  organisationId: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['operator'] })
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(ROLES, { each: true })
  roles: string[];

  @ApiPropertyOptional({ example: 'PL', description: "Default: the organisation's country" })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be a two-letter country code' })
  country?: string;
}

export class SimulatedContextDto {
  @ApiPropertyOptional({
    description: 'true: as if an incident (severity 3) covered the camera; false: no incident. Absent (and no incidentIds): the incidents covering the camera now',
  })
  @IsOptional()
  @IsBoolean()
  incident?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'These incidents (declared ones, by id) in the context' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  incidentIds?: string[];

  @ApiPropertyOptional({ example: 'PL', description: "With incident: true, the simulated incident's jurisdiction (who declared it; default: the camera's country)" })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'incidentJurisdiction must be a two-letter country code' })
  incidentJurisdiction?: string;

  @ApiPropertyOptional({ example: 'gmina-nysa', description: 'With incident: true, the organisation that declared it' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  incidentDeclaredBy?: string;

  @ApiPropertyOptional({
    description:
      "With incident: true and a foreign incidentJurisdiction: whether the camera's country accepted it (default true). An incident declared by the camera's country is always in effect there.",
  })
  @IsOptional()
  @IsBoolean()
  incidentAccepted?: boolean;

  @ApiPropertyOptional({ enum: SHARING_LEVELS, description: "The camera's sharing level to assume (default: the level its owner set)" })
  @IsOptional()
  @IsIn(SHARING_LEVELS)
  sharing?: SharingLevel;

  @ApiPropertyOptional({
    example: 'policie-olk',
    description: "For clip.approve: the organisation that requested the clip (default: a police organisation of the camera's country)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  requesterOrganisationId?: string;

  @ApiPropertyOptional({ description: 'Purpose stated by the user' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  purpose?: string;

  @ApiPropertyOptional({ description: 'Requested duration in seconds' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(31 * 86400)
  durationSec?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Time of the request (default: now)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  time?: Date;
}

export class SimulateDto extends DraftChoiceDto {
  @ApiProperty({ type: SimulatedUserDto })
  @ValidateNested()
  @Type(() => SimulatedUserDto)
  user: SimulatedUserDto;

  @ApiProperty()
  @IsString()
  @MaxLength(64)
  cameraId: string;

  @ApiPropertyOptional({ type: SimulatedContextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SimulatedContextDto)
  context?: SimulatedContextDto;

  @ApiPropertyOptional({
    enum: ACTIONS,
    isArray: true,
    description:
      'Default: every action. Actions not on cameras are tried on what the camera implies: a clip of it (clip.approve), an incident over it (incident.*, see the context), the policies of this jurisdiction (policy.edit), its audit trail (audit.read)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ACTIONS.length)
  @IsIn(ACTIONS, { each: true })
  actions?: Action[];
}

export class MatrixRequestDto extends DraftChoiceDto {
  @ApiProperty()
  @IsString()
  @MaxLength(64)
  cameraId: string;
}

export class SimulatedDecisionDto {
  @ApiProperty({ enum: ACTIONS }) action: Action;
  @ApiProperty({ enum: ['permit', 'deny'] }) decision: 'permit' | 'deny';
  @ApiProperty({ type: [String], description: `Why, as a user would read it. ${REASONS_LANGUAGE}` }) reasons: string[];
  @ApiPropertyOptional({ description: 'no-permit | forbidden | purpose-required | no-policy-set | foreign-policy-edit | not-shared' }) denial?: string;
  @ApiProperty({ type: [Object], description: 'Per jurisdiction consulted: version, role (local/export/import), its answer and the rules that decided' })
  policies: DeterminingPolicies[];
  @ApiProperty({ type: Object }) obligations: Obligations;
  @ApiProperty({ type: [String] }) errors: string[];
}

export class SimulationDto {
  @ApiProperty({ type: Object, description: 'Version of each jurisdiction evaluated (0: an unsaved text)', example: { CZ: 4, PL: 1 } }) versions: Record<string, number>;
  @ApiProperty({ type: [Object], description: 'Incidents in the context' }) incidents: IncidentInContext[];
  @ApiProperty({ type: [SimulatedDecisionDto] }) results: SimulatedDecisionDto[];
}

export class MatrixDto {
  @ApiProperty({ type: Object, description: 'For the camera: per kind of user (row), per action, the decision now and during an incident' }) matrix: PolicyMatrix;
}

export class MatrixDiffDto {
  @ApiProperty() camera: string;
  @ApiProperty({ type: Object }) activeVersions: Record<string, number>;
  @ApiProperty({ type: Object }) draftVersions: Record<string, number>;
  @ApiProperty({ type: [Object], description: 'What the draft opens, closes or changes in obligations (rows matched by label)' }) changes: MatrixChange[];
}
