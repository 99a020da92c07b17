import { Module } from '@nestjs/common';
import { RetentionReviewController } from './retention-review.controller';
import { RetentionReviewService } from './retention-review.service';

/** Periodic reviews of data under the Law Enforcement Directive (LED Art. 5). */
@Module({
  controllers: [RetentionReviewController],
  providers: [RetentionReviewService],
})
export class RetentionReviewModule {}
