import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ANALYTICS_CLASSES, type AnalyticsAlertRule, type AnalyticsClass, type AnalyticsLine, type AnalyticsZone, type CrossingDirection, type Point } from '@borderlens/contracts';

/** Zone, line and rule ids: short slugs (they appear in CSV columns and URLs). */
const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const ID_MESSAGE = 'ids are 1-40 lowercase letters, digits and dashes';
/** Bounds only the request size: the geometry check refuses more than 32 points with its own code. */
const MAX_POINTS_ACCEPTED = 1000;
/** An [x, y] point in the OpenAPI document (the geometry check validates the values). */
const POINT_SCHEMA = { type: 'array' as const, items: { type: 'number' as const }, minItems: 2, maxItems: 2 };

export class ZoneDto implements AnalyticsZone {
  @ApiProperty({ example: 'bridge' })
  @Matches(ID, { message: ID_MESSAGE })
  id: string;

  @ApiProperty({ example: 'Głuchołazy bridge' })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiProperty({
    type: 'array',
    items: POINT_SCHEMA,
    example: [
      [0.1, 0.5],
      [0.6, 0.5],
      [0.6, 0.9],
      [0.1, 0.9],
    ],
    description: 'Corners as [x, y] fractions of the picture (0..1, y down); 3 to 32, not crossing itself',
  })
  @IsArray()
  @ArrayMaxSize(MAX_POINTS_ACCEPTED)
  @IsArray({ each: true })
  polygon: Point[];
}

export class LineDto implements AnalyticsLine {
  @ApiProperty({ example: 'crossing' })
  @Matches(ID, { message: ID_MESSAGE })
  id: string;

  @ApiProperty({ example: 'Mikulovice crossing' })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiProperty({ ...POINT_SCHEMA, example: [0.5, 0.9], description: 'Start, [x, y] fractions of the picture' })
  @IsArray()
  a: Point;

  @ApiProperty({ ...POINT_SCHEMA, example: [0.5, 0.1], description: 'End. Crossing from the left of a->b to its right is "forward"' })
  @IsArray()
  b: Point;

  @ApiPropertyOptional({ example: 'towards PL' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  forwardName?: string;

  @ApiPropertyOptional({ example: 'towards CZ' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  backwardName?: string;
}

export class AlertRuleDto implements AnalyticsAlertRule {
  @ApiProperty({ example: 'bridge-crowd' })
  @Matches(ID, { message: ID_MESSAGE })
  id: string;

  @ApiProperty({ example: 'More than 50 persons on the bridge' })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ['occupancy', 'crossing-rate'], description: 'occupancy: objects in a zone at once; crossing-rate: crossings of a line per minute' })
  @IsIn(['occupancy', 'crossing-rate'])
  kind: 'occupancy' | 'crossing-rate';

  @ApiProperty({ example: 'bridge', description: 'The zone (occupancy) or line (crossing-rate)' })
  @Matches(ID, { message: ID_MESSAGE })
  targetId: string;

  @ApiProperty({ enum: ANALYTICS_CLASSES, isArray: true, example: ['person'] })
  @IsArray()
  @ArrayMaxSize(ANALYTICS_CLASSES.length)
  @IsIn(ANALYTICS_CLASSES, { each: true })
  classes: AnalyticsClass[];

  @ApiPropertyOptional({ enum: ['forward', 'backward'], description: 'crossing-rate: one direction only' })
  @IsOptional()
  @IsIn(['forward', 'backward'])
  direction?: CrossingDirection;

  @ApiProperty({ example: 50 })
  @IsNumber()
  @Min(0)
  @Max(100000)
  threshold: number;

  @ApiProperty({ example: 30, description: 'How long the value must stay above the threshold (crossing-rate: rounded up to whole minutes)' })
  @IsInt()
  @Min(0)
  @Max(86400)
  durationSec: number;
}

export class AnalyticsConfigDto {
  @ApiProperty({ description: 'Count continuously (the media node samples the camera whether anyone watches or not)' })
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ type: ZoneDto, isArray: true })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ZoneDto)
  zones: ZoneDto[];

  @ApiProperty({ type: LineDto, isArray: true })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines: LineDto[];

  @ApiProperty({ type: AlertRuleDto, isArray: true })
  @IsArray()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => AlertRuleDto)
  alerts: AlertRuleDto[];
}

export class AnalyticsConfigViewDto extends AnalyticsConfigDto {
  @ApiProperty() cameraId: string;
  @ApiProperty() revision: number;
  @ApiPropertyOptional() updatedAt?: string;
}

export const BUCKETS = { '1m': 60, '5m': 300, '1h': 3600 } as const;
export type Bucket = keyof typeof BUCKETS;

export class SeriesQueryDto {
  @ApiProperty({ example: '2026-12-02T10:00:00Z' })
  @IsISO8601()
  from: string;

  @ApiProperty({ example: '2026-12-02T12:00:00Z' })
  @IsISO8601()
  to: string;

  @ApiPropertyOptional({ enum: Object.keys(BUCKETS), default: '5m' })
  @IsOptional()
  @IsIn(Object.keys(BUCKETS))
  bucket?: Bucket;
}

export class AreaQueryDto extends SeriesQueryDto {
  @ApiProperty({ description: "Sum over the cameras inside this incident's area (those whose analytics the caller may see)" })
  @IsUUID()
  incidentId: string;
}

export class AlertListQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'all'])
  state?: 'open' | 'all';
}

/** A count as shown: a number, or "<N" when it is small enough to single someone out. */
export type ShownCount = number | string;

export interface SeriesPoint {
  t: string;
  value: ShownCount;
}

export class SeriesPointDto implements SeriesPoint {
  @ApiProperty({ description: 'Start of the bucket' }) t: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string', example: '<3' }], description: 'The count, or "<N" when it is below the floor' }) value: ShownCount;
}

export class SeriesDto {
  @ApiProperty({ enum: ['zone', 'line'] }) kind: 'zone' | 'line';
  @ApiProperty() targetId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ANALYTICS_CLASSES }) cls: AnalyticsClass;
  @ApiPropertyOptional({ enum: ['forward', 'backward'] }) direction?: CrossingDirection;
  @ApiProperty({ description: 'zone: occupancy (most at once in the bucket); line: crossings in the bucket' }) measure: 'occupancy' | 'crossings';
  @ApiProperty({ type: () => SeriesPointDto, isArray: true, description: '[{t, value}] with value a number or "<N"' }) points: SeriesPoint[];
}

export class SeriesResponseDto {
  @ApiPropertyOptional() cameraId?: string;
  @ApiPropertyOptional() incidentId?: string;
  @ApiPropertyOptional({ isArray: true, type: String }) cameraIds?: string[];
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ enum: Object.keys(BUCKETS) }) bucket: Bucket;
  @ApiProperty({ description: 'Counts from 1 to minCount - 1 are shown as "<minCount"' }) minCount: number;
  @ApiProperty({ type: SeriesDto, isArray: true }) series: SeriesDto[];
}

export class StillWidthQueryDto {
  @ApiPropertyOptional({ minimum: 64, maximum: 1280, default: 640 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(64)
  @Max(1280)
  width?: number;
}

export class AnalyticsCameraDto {
  @ApiProperty() cameraId: string;
  @ApiProperty({ description: 'Counting is on' }) enabled: boolean;
  @ApiProperty({ description: 'The caller may read its counts (analytics.view)' }) view: boolean;
  @ApiProperty({ description: 'The caller may configure its zones, lines and alerts (camera.manage)' }) manage: boolean;
}

export class AlertDto {
  @ApiProperty() id: string;
  @ApiProperty() cameraId: string;
  @ApiProperty() ruleId: string;
  @ApiProperty() message: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string', example: '<3' }], description: 'The value that raised the alert, or "<N" when it is below the floor' })
  value: ShownCount;
  @ApiProperty() raisedAt: string;
  @ApiPropertyOptional() acknowledgedAt?: string;
  @ApiPropertyOptional() acknowledgedBy?: string;
}
