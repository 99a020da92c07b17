import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { AppError } from '../common/app-error';
import { RecordReviewDto, ReviewStatusDto } from './retention-review.dto';
import { RetentionReviewService } from './retention-review.service';
import { IdParam } from '../common/validation';

/**
 * Periodic reviews of data under the Law Enforcement Directive, for the legal officers of the
 * camera owners (organisations with legal regime `led`).
 */
@ApiTags('retention reviews')
@ApiBearerAuth()
@Controller('api/v1')
export class RetentionReviewController {
  constructor(private readonly service: RetentionReviewService) {}

  @Get('retention-reviews')
  @Roles('legal-officer')
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'], description: 'true: only reviews past their due date' })
  @ApiOkResponse({
    type: ReviewStatusDto,
    isArray: true,
    description: "The caller's organisation's cameras under the Law Enforcement Directive, soonest due first (empty for an organisation under GDPR)",
  })
  list(@CurrentPrincipal() p: Principal, @Query('overdue') overdue?: string): Promise<ReviewStatusDto[]> {
    if (overdue !== undefined && overdue !== 'true' && overdue !== 'false') throw AppError.badRequest('overdue_invalid', "overdue must be 'true' or 'false'");
    return this.service.list(p, overdue === 'true');
  }

  @Get('cameras/:id/retention-review')
  @Roles('legal-officer')
  @ApiOkResponse({ type: ReviewStatusDto })
  get(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string): Promise<ReviewStatusDto> {
    return this.service.get(p, id);
  }

  @Post('cameras/:id/retention-review')
  @Roles('legal-officer')
  @HttpCode(200)
  @ApiOkResponse({ type: ReviewStatusDto, description: 'Records a review (audited); the next one is due cameras.ledReviewDays from now' })
  record(@CurrentPrincipal() p: Principal, @IdParam('camera') id: string, @Body() dto: RecordReviewDto): Promise<ReviewStatusDto> {
    return this.service.record(p, id, dto);
  }
}
