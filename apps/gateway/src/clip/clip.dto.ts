import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { CLIP_STATES, type ClipState } from '@borderlens/database';
import { REASONS_LANGUAGE } from '../policy/reasons-language';

/** Why a clip is wanted (the category; the justification says more). */
export const CLIP_PURPOSES = ['criminal-investigation', 'emergency-response', 'accident-investigation', 'missing-person', 'infrastructure-damage', 'legal-claim', 'other'] as const;
export type ClipPurpose = (typeof CLIP_PURPOSES)[number];
export const CLIP_FORMS = ['anonymized', 'raw'] as const;

export class CreateClipRequestDto {
  @ApiProperty({ format: 'uuid', example: '6f1c2a8e-3b7d-4c59-9a1e-2d4f6b8c0e12' })
  @IsUUID()
  cameraId: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-02T09:15:00Z', description: 'Start of the range; inside what is recorded and within the camera retention' })
  @Type(() => Date)
  @IsDate()
  from: Date;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-02T09:20:00Z', description: "End of the range; at most the rules' maximum duration after from" })
  @Type(() => Date)
  @IsDate()
  to: Date;

  @ApiProperty({ enum: CLIP_FORMS, description: 'anonymized (faces and plates redacted) or raw (needs recording.raw as well)' })
  @IsIn(CLIP_FORMS)
  form: 'anonymized' | 'raw';

  @ApiProperty({ enum: CLIP_PURPOSES, example: 'infrastructure-damage' })
  @IsIn(CLIP_PURPOSES)
  purpose: ClipPurpose;

  @ApiProperty({
    example: 'Flood wave passing the bridge on the Biała; damage assessment for the crisis staff',
    description: 'Why this range is needed (recorded in the audit trail and the manifest)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  justification: string;

  @ApiPropertyOptional({ example: 'KRPM-12345/TČ-2026', description: 'Case or file number' })
  @IsOptional()
  @IsString()
  @Matches(/^[\p{L}\p{N} ./_:#()-]{1,100}$/u, { message: 'caseReference must be at most 100 letters, digits, spaces or ./_:#()-' })
  caseReference?: string;

  @ApiPropertyOptional({ description: 'Urgent (between police forces: answer within clips.deadlineUrgentHours)' })
  @IsOptional()
  @IsBoolean()
  urgent?: boolean;
}

export class ReasonDto {
  @ApiProperty({ example: 'Proportionate to the stated purpose; range limited to the incident', description: 'Recorded in the audit trail (and in the manifest for an approval)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class ClipPersonDto {
  @ApiProperty({ example: 'nysa.municipal' }) user: string;
  @ApiProperty({ example: 'gmina-nysa' }) organisation: string;
  @ApiProperty({ example: 'PL' }) country: string;
}

export class ClipDecisionDto {
  @ApiProperty({ example: 'jesenik.legal' }) by: string;
  @ApiProperty({ example: 'mesto-jesenik' }) organisation: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() reason: string;
}

export class ClipRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) cameraId: string;
  @ApiProperty({ enum: CLIP_STATES, example: 'exporting', description: 'submitted -> approved | rejected | cancelled; approved -> exporting -> ready | failed; ready -> expired' })
  state: ClipState;
  @ApiProperty({ enum: CLIP_FORMS }) form: 'anonymized' | 'raw';
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ enum: CLIP_PURPOSES }) purpose: string;
  @ApiProperty() justification: string;
  @ApiPropertyOptional({ nullable: true, type: String }) caseReference: string | null;
  @ApiProperty() urgent: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'Answer deadline (Directive (EU) 2023/977, police to police across the border)' })
  deadlineAt: string | null;
  @ApiProperty({ description: 'Undecided past its deadline' }) overdue: boolean;
  @ApiProperty({ type: ClipPersonDto }) requester: ClipPersonDto;
  @ApiPropertyOptional({ nullable: true, type: ClipDecisionDto }) decision: ClipDecisionDto | null;
  @ApiProperty({ type: Object, example: { ownerApproval: true, watermark: true, maxDurationSec: 3600 } }) obligations: Record<string, unknown>;
  @ApiProperty({ type: [String], example: ['PL@1:pl-clip-request', 'CZ@1:cz-clip-request'] }) policies: string[];
  @ApiProperty({ example: 42, description: 'Export progress in percent' }) percent: number;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 17, description: 'Estimated seconds left while exporting' }) etaSec: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' }) sha256: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) bytes: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'The download works until then; the file is erased after (unless on legal hold)' })
  expiresAt: string | null;
  @ApiProperty() legalHold: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) holdReason: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'For the requester once ready: the download link, bound to them (send your bearer token too) and expiring' })
  downloadUrl: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Signed manifest once ready' }) manifestUrl: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ClipRequestCheckProblemDto {
  @ApiProperty({ example: 'clip_range_not_recorded' }) code: string;
  @ApiProperty() message: string;
}

export class ClipRequestCheckOwnerDto {
  @ApiProperty({ example: 'mesto-jesenik', description: "The camera's owner organisation, whose legal officer decides" }) organisation: string;
  @ApiProperty({ example: 'CZ' }) country: string;
  @ApiProperty({ example: 'legal-officer' }) role: string;
}

export class ClipRequestCheckDto {
  @ApiProperty({
    enum: ['denied', 'allowed', 'approval'],
    description: "denied: the rules refuse it (reasons); allowed: the export starts at once; approval: the owner's legal officer decides first",
  })
  outcome: 'denied' | 'allowed' | 'approval';
  @ApiPropertyOptional({ example: 'clip_request_denied', description: 'For denied: the code a POST would answer' }) code?: string;
  @ApiProperty({ type: [String], description: `The policies' reasons (why denied, or the permitting rules' reasons). ${REASONS_LANGUAGE}` }) reasons: string[];
  @ApiProperty({ type: [String] }) policies: string[];
  @ApiProperty({ type: Object, example: { ownerApproval: true, watermark: true, maxDurationSec: 3600 } }) obligations: Record<string, unknown>;
  @ApiProperty({ type: [ClipRequestCheckProblemDto], description: 'What about the range a POST would refuse (400): not recorded, beyond retention, too long, invalid' })
  problems: ClipRequestCheckProblemDto[];
  @ApiProperty({ type: ClipRequestCheckOwnerDto }) owner: ClipRequestCheckOwnerDto;
  @ApiProperty({ description: "The camera lies under another country's law than the requester's" }) crossBorder: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'Answer deadline a request would get' }) deadlineAt?: string | null;
}

export class TimeRangeDto {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
}

export class RecordingRangesDto {
  @ApiProperty({ format: 'uuid' }) cameraId: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ description: 'Oldest time a clip may start at (the camera retention)', format: 'date-time' }) retainedFrom: string;
  @ApiProperty({ type: [TimeRangeDto], description: 'Continuous recordings (segments merged)' }) ranges: TimeRangeDto[];
  @ApiProperty({ type: [TimeRangeDto], description: 'Where nothing is recorded' }) gaps: TimeRangeDto[];
  @ApiProperty({ type: [String], example: ['recording.anonymized', 'clip.request'], description: 'What the caller may do with these recordings' }) actions: string[];
}

export class QueueQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'all'], default: 'open', description: 'open: waiting for a decision; all: every request you may decide' })
  @IsOptional()
  @IsIn(['open', 'all'])
  state?: 'open' | 'all';
}

export class DownloadQueryDto {
  @ApiProperty({ description: 'The token of the download link (signed, bound to the requester, expiring)' })
  @IsString()
  @MaxLength(4096)
  token: string;
}

export class RecordingQueryDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Default: the camera retention back from now' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

export class StillQueryDto {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-02T09:15:00Z', description: 'Time of the still (e.g. one per minute for a strip of previews)' })
  @Type(() => Date)
  @IsDate()
  at: Date;

  @ApiPropertyOptional({ minimum: 64, maximum: 1280, default: 320 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(64)
  @Max(1280)
  width?: number;
}
