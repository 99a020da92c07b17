import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ACTION_RESOURCES, ACTIONS, ROLES, type Action, type DeterminingPolicies, type IncidentInContext, type MatrixChange, type Obligations, type PolicyMatrix } from '@borderlens/policy';

/** Actions on cameras: the ones the simulator evaluates. */
export const CAMERA_ACTIONS = ACTIONS.filter((a) => ACTION_RESOURCES[a].includes('Camera'));

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
  @ApiPropertyOptional({ description: 'true: as if an incident (severity 3) covered the camera; false: no incident. Absent (and no incidentIds): the incidents covering the camera now' })
  @IsOptional()
  @IsBoolean()
  incident?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'These incidents (declared ones, by id) in the context' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  incidentIds?: string[];

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

  @ApiPropertyOptional({ enum: CAMERA_ACTIONS, isArray: true, description: 'Default: every action on cameras' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CAMERA_ACTIONS.length)
  @IsIn(CAMERA_ACTIONS, { each: true })
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
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiPropertyOptional({ description: 'no-permit | forbidden | purpose-required | no-policy-set | foreign-policy-edit' }) denial?: string;
  @ApiProperty({ type: [Object], description: 'Per jurisdiction consulted: version, role (local/export/import), its answer and the rules that decided' }) policies: DeterminingPolicies[];
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
