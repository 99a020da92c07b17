import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { IncidentModule } from '../incident/incident.module';
import { PolicyModule } from '../policy/policy.module';
import { RecordingModule } from '../recording/recording.module';
import { AnalyticsStillService } from './analytics-still.service';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsMessages } from './analytics.messages';
import { AnalyticsRepository } from './analytics.repository';
import { AnalyticsService } from './analytics.service';

@Module({
  imports: [PolicyModule, CameraModule, IncidentModule, RecordingModule],
  controllers: [AnalyticsController, AnalyticsMessages],
  providers: [AnalyticsRepository, AnalyticsService, AnalyticsStillService],
})
export class AnalyticsModule {}
