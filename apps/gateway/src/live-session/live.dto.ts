import { ApiProperty } from '@nestjs/swagger';
import { GRANT_FORMS, type GrantForm } from '@borderlens/database';
import { REASONS_LANGUAGE } from '../policy/reasons-language';

export const LIVE_ACCESS = ['raw', 'anonymized', 'clip', 'none'] as const;
export type LiveAccess = (typeof LIVE_ACCESS)[number];

export class CameraAccessDto {
  @ApiProperty() cameraId: string;
  @ApiProperty({ enum: LIVE_ACCESS, description: 'What the caller may see now: raw live video (during an incident), anonymized live video, clips on request only, or nothing' })
  access: LiveAccess;
  @ApiProperty({ description: 'Live video needs a stated purpose' }) purposeRequired: boolean;
  @ApiProperty({ description: 'Raw live video would be permitted during an incident covering the camera' }) rawDuringIncident: boolean;
  @ApiProperty({ type: [String], description: 'Incidents in force whose area holds the camera' }) incidentIds: string[];
  @ApiProperty({ type: [String], description: `The policies' reasons for the live decision (raw when permitted, else anonymized). ${REASONS_LANGUAGE}` }) reasons: string[];
}

export class LiveSessionEventDto {
  @ApiProperty() sessionId: string;
  @ApiProperty() cameraId: string;
  @ApiProperty({ enum: GRANT_FORMS }) form: GrantForm;
  @ApiProperty({ enum: ['active', 'ended'] }) state: string;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
  @ApiProperty({ description: 'Expiry of the latest grant' }) expiresAt: string;
  @ApiProperty({ type: [String], description: 'Incidents behind the latest grant' }) incidentIds: string[];
}
