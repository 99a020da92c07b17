import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { AUDIT_OPERATIONS, type AuditEntryEntity, type AuditOperation } from '@borderlens/database';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Only entries after this sequence number (paging)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  afterSeq?: string;

  @ApiPropertyOptional({ example: 'camera:7f0c...' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  object?: string;

  @ApiPropertyOptional({ example: 'nysa.municipal', description: 'The acting user' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  user?: string;

  @ApiPropertyOptional({ example: 'gmina-nysa', description: 'The acting or the receiving organisation' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  organisation?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'About this camera: the camera, its clips, a step naming it' })
  @IsOptional()
  @IsUUID()
  camera?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Only steps across the border (the recipient in another country than the actor)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean()
  crossBorder?: boolean;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'asc: oldest first (paging with afterSeq); desc: newest first' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ enum: AUDIT_OPERATIONS })
  @IsOptional()
  @IsIn(AUDIT_OPERATIONS)
  operation?: AuditOperation;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AuditExportQueryDto extends AuditQueryDto {
  @ApiPropertyOptional({ default: 50000, maximum: 50000, description: 'Most entries in the export' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50000)
  max?: number;
}

export class AuditEntryDto {
  @ApiProperty() seq: string;
  @ApiProperty() time: string;
  @ApiProperty() actorUser: string;
  @ApiProperty() actorOrganisation: string;
  @ApiProperty() actorCountry: string;
  @ApiProperty({ enum: AUDIT_OPERATIONS }) operation: AuditOperation;
  @ApiProperty() object: string;
  @ApiProperty() justification: string;
  @ApiProperty() recipient: string;
  @ApiProperty() decision: string;
  @ApiProperty({ type: [String] }) policyIds: string[];
  @ApiProperty({ type: Object }) details: Record<string, unknown>;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;

  static from(e: AuditEntryEntity): AuditEntryDto {
    return { ...e, seq: String(e.seq), time: e.time.toISOString() };
  }
}

export class ChainReportDto {
  @ApiProperty() ok: boolean;
  @ApiProperty() entries: number;
  @ApiProperty() lastHash: string;
  @ApiPropertyOptional({ description: 'First entry that breaks the chain' }) firstBreak?: { seq: string; reason: string };
}

export class SignedCheckpointDto {
  @ApiProperty({ description: 'Sequence number of the last entry covered' }) seq: string;
  @ApiProperty({ description: 'Hash of that entry' }) hash: string;
  @ApiProperty() time: string;
  @ApiProperty({ description: 'Compact JWS (EdDSA) over {seq, hash, time}' }) token: string;
}

export class CheckpointExportDto {
  @ApiProperty({ description: 'JWKS of the gateway audit key' }) jwks: { keys: object[] };
  @ApiProperty({ type: SignedCheckpointDto, isArray: true }) checkpoints: SignedCheckpointDto[];
}
