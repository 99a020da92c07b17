import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsLatitude, IsLongitude, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CAMERA_KINDS, CAMERA_STATES, INGEST_TYPES, REDACTION_METHODS, type CameraEntity, type CameraKind, type IngestType, type RedactionMethod } from '@borderlens/database';
import { SHARING_LEVELS, type SharingLevel } from '@borderlens/policy';
import { REASONS_LANGUAGE } from '../policy/reasons-language';

const SHARING_DESCRIPTION =
  'What the owner shares with other organisations: private (own organisation only), analytics (partners see counts), ' +
  'on-request (partners also request clips, which the owner approves; responders watch it during an incident accepted by its country), ' +
  'live-anonymized (partner fire and police operators also watch anonymized live video, with a stated purpose). ' +
  "The rules of the camera's country may forbid more, never allow more.";

export class IngestDto {
  @ApiProperty({ enum: INGEST_TYPES, description: 'rtsp: pulled from the camera; push: a drone or mobile unit publishes with its push key' })
  @IsIn(INGEST_TYPES)
  type: IngestType;

  @ApiPropertyOptional({ example: 'rtsp://user:password@192.168.10.20:554/stream1', description: 'rtsp/rtsps URL; credentials are stored encrypted and never returned' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: ['tcp', 'udp'], default: 'tcp' })
  @IsOptional()
  @IsIn(['tcp', 'udp'])
  rtspTransport?: 'tcp' | 'udp';

  @ApiPropertyOptional({ enum: ['rtmp', 'srt'], description: 'push protocol' })
  @IsOptional()
  @IsIn(['rtmp', 'srt'])
  protocol?: 'rtmp' | 'srt';
}

export class CreateCameraDto {
  @ApiProperty({ example: 'Jeseník - Masarykovo náměstí' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: "Owner organisation; defaults to the caller's. Only admins of the owner may manage the camera." })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  organisationId?: string;

  @ApiPropertyOptional({ example: 'CZ', description: "Country whose law governs the footage; defaults to the owner's country" })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'jurisdiction must be a two-letter country code' })
  jurisdiction?: string;

  @ApiProperty({ enum: CAMERA_KINDS })
  @IsIn(CAMERA_KINDS)
  kind: CameraKind;

  @ApiProperty({ example: 50.2294 })
  @IsLatitude()
  latitude: number;

  @ApiProperty({ example: 17.2046 })
  @IsLongitude()
  longitude: number;

  @ApiProperty({ type: IngestDto })
  @ValidateNested()
  @Type(() => IngestDto)
  ingest: IngestDto;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description:
      'Days recordings are kept. Above the statutory cap of the jurisdiction (e.g. 90 days for Polish municipal cameras): 400 retention_exceeds_cap. Default: cameras.defaultRetentionDays, lowered to the cap.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  recordingEnabled?: boolean;

  @ApiPropertyOptional({ enum: REDACTION_METHODS, description: "Overrides the deployment's redaction method" })
  @IsOptional()
  @IsIn(REDACTION_METHODS)
  redactionMethod?: RedactionMethod;

  @ApiPropertyOptional({ enum: SHARING_LEVELS, description: `${SHARING_DESCRIPTION} Default: on-request for municipal owners, live-anonymized for police and fire.` })
  @IsOptional()
  @IsIn(SHARING_LEVELS)
  sharing?: SharingLevel;
}

/** Sharing changes only through PUT /cameras/{id}/sharing, with a reason. */
export class UpdateCameraDto extends PartialType(OmitType(CreateCameraDto, ['sharing'] as const)) {}

export class SetSharingDto {
  @ApiProperty({ enum: SHARING_LEVELS, description: SHARING_DESCRIPTION })
  @IsIn(SHARING_LEVELS)
  sharing: SharingLevel;

  @ApiProperty({ example: 'agreed with the Nysa crisis staff for the flood season', description: 'Why (recorded in the audit trail)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}

export class DisableCameraDto {
  @ApiProperty({ example: 'camera mast under repair until Friday', description: 'Why (recorded in the audit trail; for disabling also shown to its administrators)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}

/** What lists and the map show: disabled by its administrators, else what the media node reports. */
export const CAMERA_DISPLAY_STATES = [...CAMERA_STATES, 'disabled'] as const;
export type CameraDisplayState = (typeof CAMERA_DISPLAY_STATES)[number];

export class IngestViewDto {
  @ApiProperty({ enum: INGEST_TYPES }) type: IngestType;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'RTSP URL without credentials' }) url: string | null;
  @ApiPropertyOptional({ enum: ['tcp', 'udp'] }) rtspTransport: 'tcp' | 'udp';
  @ApiProperty() hasCredentials: boolean;
  @ApiPropertyOptional({ nullable: true, enum: ['rtmp', 'srt'] }) protocol: 'rtmp' | 'srt' | null;
}

export class CameraDto {
  @ApiProperty() id: string;
  @ApiProperty() organisationId: string;
  @ApiProperty() name: string;
  @ApiProperty() jurisdiction: string;
  @ApiProperty({ enum: CAMERA_KINDS }) kind: CameraKind;
  @ApiProperty() latitude: number;
  @ApiProperty() longitude: number;
  @ApiProperty({ enum: SHARING_LEVELS, description: SHARING_DESCRIPTION }) sharing: SharingLevel;
  @ApiProperty({ type: IngestViewDto }) ingest: IngestViewDto;
  @ApiProperty() retentionDays: number;
  @ApiProperty() recordingEnabled: boolean;
  @ApiProperty({ nullable: true, enum: REDACTION_METHODS }) redactionMethod: RedactionMethod | null;
  @ApiProperty({ enum: CAMERA_DISPLAY_STATES, description: 'disabled: by its administrators (disabledAt, with the reason in stateReason); else as its media node reports' })
  state: CameraDisplayState;
  @ApiProperty({ nullable: true, type: String }) stateReason: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When its administrators disabled it; null while enabled' }) disabledAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(c: CameraEntity): CameraDto {
    return {
      id: c.id,
      organisationId: c.organisationId,
      name: c.name,
      jurisdiction: c.jurisdiction,
      kind: c.kind,
      latitude: c.latitude,
      longitude: c.longitude,
      sharing: c.sharing,
      ingest: { type: c.ingestType, url: c.rtspUrl, rtspTransport: c.rtspTransport, hasCredentials: !!c.credentialsEncrypted, protocol: c.pushProtocol },
      retentionDays: c.retentionDays,
      recordingEnabled: c.recordingEnabled,
      redactionMethod: c.redactionMethod,
      state: c.disabledAt ? 'disabled' : c.state,
      stateReason: c.disabledAt ? c.disabledReason : c.stateReason,
      disabledAt: c.disabledAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class PushKeyDto {
  @ApiProperty({ description: 'Shown once; the drone or mobile unit publishes with it. Rotate to revoke.' })
  pushKey: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'rtmp://media.example.org:1935/live/KEY',
    description: "RTMP URL to publish to with this key (the media node's RTMP listener); null when the node has none",
  })
  rtmpUrl: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'srt://media.example.org:9000?streamid=KEY',
    description: 'SRT URL to publish to with this key; null when the node has no SRT listener',
  })
  srtUrl: string | null;
}

export class CameraCreatedDto extends CameraDto {
  @ApiPropertyOptional({ description: 'Push key for push cameras, shown only now' })
  pushKey?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'With pushKey: the RTMP URL to publish to' })
  rtmpUrl?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'With pushKey: the SRT URL to publish to' })
  srtUrl?: string | null;
}

export class CameraProbeDto {
  @ApiProperty({ description: 'Whether the media node could read the stream and can serve it' }) ok: boolean;
  @ApiPropertyOptional({ example: 'h264' }) codec?: string;
  @ApiPropertyOptional({ example: 'Main' }) profile?: string;
  @ApiPropertyOptional({ example: 1280 }) width?: number;
  @ApiPropertyOptional({ example: 720 }) height?: number;
  @ApiPropertyOptional({ example: 25, description: 'Frames per second (0 when the stream does not say)' }) fps?: number;
  @ApiPropertyOptional({
    example: 'camera not reachable',
    description: 'Why not: a fixed text (not allowed address, not reachable, credentials refused, stream not found) or the unsupported codec',
  })
  reason?: string;
  @ApiProperty({ description: 'How long the probe took (ms)' }) ms: number;
}

export class RetentionCapDto {
  @ApiProperty({ example: 'PL' }) jurisdiction: string;
  @ApiProperty({ type: [String], example: ['municipality', 'municipal-police'], description: 'Owner organisation kinds the cap applies to' }) ownerKinds: string[];
  @ApiProperty({ example: 3, description: 'Calendar months each recording may be kept' }) maxMonths: number;
  @ApiProperty({ example: 92, description: 'The longest that is in days (what retentionDays may be at most)' }) maxDays: number;
  @ApiProperty({ description: `The statute. ${REASONS_LANGUAGE}` }) source: string;
}
