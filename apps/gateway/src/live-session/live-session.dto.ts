import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { GRANT_FORMS, type GrantForm } from '@borderlens/database';
import type { GrantObligations } from '@borderlens/contracts';
import { REASONS_LANGUAGE } from '../policy/reasons-language';

export class OpenLiveSessionDto {
  @ApiProperty({ enum: GRANT_FORMS, description: 'anonymized (faces and plates redacted) or raw (only where the policies allow it, e.g. during a declared incident)' })
  @IsIn(GRANT_FORMS)
  form: GrantForm;

  @ApiPropertyOptional({ example: 'search for a missing person near the bridge', description: 'Why you watch; some rules require it (recorded in the audit trail)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  purpose?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 86400, description: 'How long you intend to watch, in seconds' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  durationSec?: number;
}

export class GrantObligationsDto {
  @ApiPropertyOptional({ description: "The viewer's identity and the time are burnt into the video" }) watermark?: boolean;
  @ApiPropertyOptional({ description: 'The stated purpose' }) purpose?: string;
  @ApiPropertyOptional({ description: 'Longest session in seconds' }) maxDurationSec?: number;
  @ApiPropertyOptional() ownerApproval?: boolean;
  @ApiPropertyOptional({ description: 'Video stays anonymized whatever the form' }) anonymize?: boolean;
}

export class LiveSessionDto {
  @ApiProperty({ description: 'Renew or end the session with it' }) sessionId: string;
  @ApiProperty() cameraId: string;
  @ApiProperty({ enum: GRANT_FORMS, description: 'The form granted (may be less than asked: a raw session is downgraded when raw is no longer permitted)' }) form: GrantForm;
  @ApiProperty({ description: 'Signed grant (JWT, EdDSA): Authorization: Bearer <grant> on the WHEP request to the media node' }) grant: string;
  @ApiProperty({ description: 'WHEP endpoint of the media node serving the camera' }) whepUrl: string;
  @ApiProperty({ description: 'When this grant expires; renew before (see renewAfterSec)' }) expiresAt: string;
  @ApiProperty({ description: 'Renew after this many seconds' }) renewAfterSec: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The session cannot be renewed beyond this (maximum duration)' }) endsAt: string | null;
  @ApiProperty({ type: GrantObligationsDto }) obligations: GrantObligations;
  @ApiProperty({ type: [String], description: `Why it was permitted. ${REASONS_LANGUAGE}` }) reasons: string[];
  @ApiProperty({ type: [String], description: 'Rules that decided, as CZ@3:rule-id' }) policies: string[];
  @ApiProperty({ description: 'True when this renewal lowered raw to anonymized' }) downgraded: boolean;
  @ApiProperty({ type: [String], description: 'Incidents in force behind this grant (raw video during an incident)' }) incidentIds: string[];
}

export class JwksDto {
  @ApiProperty({ type: [Object], description: 'Public keys (Ed25519, JWK) that verify grants' }) keys: object[];
}
