import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RETENTION_REVIEW_DECISIONS, type RetentionReviewDecision } from '@borderlens/database';

export class RecordReviewDto {
  @ApiProperty({
    enum: RETENTION_REVIEW_DECISIONS,
    description: "keep: the recordings and the clips under legal hold are still needed; reduce: lower the camera's retention to retentionDays",
  })
  @IsIn(RETENTION_REVIEW_DECISIONS)
  decision: RetentionReviewDecision;

  @ApiProperty({
    example: 'Recordings still needed for the border-crossing investigation 2026/114; hold on clip 3f2c... until the court decides',
    description: 'Why; recorded in the audit trail',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional({ example: 14, description: 'With decision reduce: the new retention in days, below the current one' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number;
}

export class HeldClipDto {
  @ApiProperty() id: string;
  @ApiProperty() purpose: string;
  @ApiProperty({ nullable: true, type: String }) holdReason: string | null;
  @ApiProperty({ nullable: true, type: String }) heldBy: string | null;
}

export class ReviewDto {
  @ApiProperty() id: string;
  @ApiProperty() reviewedAt: string;
  @ApiProperty() reviewedBy: string;
  @ApiProperty({ enum: RETENTION_REVIEW_DECISIONS }) decision: RetentionReviewDecision;
  @ApiProperty() reason: string;
  @ApiProperty() retentionDays: number;
  @ApiProperty({ type: [String] }) heldClipIds: string[];
}

/** A camera's periodic review under the Law Enforcement Directive: when it is due and what was decided last. */
export class ReviewStatusDto {
  @ApiProperty() cameraId: string;
  @ApiProperty() cameraName: string;
  @ApiProperty() organisationId: string;
  @ApiProperty({ description: 'Days between reviews (cameras.ledReviewDays)' }) intervalDays: number;
  @ApiProperty({ description: "The camera's retention now" }) retentionDays: number;
  @ApiProperty({ type: [HeldClipDto], description: 'Clip requests of this camera under legal hold: the review covers them' }) heldClips: HeldClipDto[];
  @ApiProperty({ type: ReviewDto, nullable: true }) lastReview: ReviewDto | null;
  @ApiProperty({ description: "When the next review is due: the latest review (or the camera's registration) plus intervalDays" }) dueAt: string;
  @ApiProperty({ description: 'The due date has passed without a review' }) overdue: boolean;
}
