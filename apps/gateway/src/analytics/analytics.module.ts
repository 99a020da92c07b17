import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { IncidentModule } from '../incident/incident.module';
import { PolicyModule } from '../policy/policy.module';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsMessages } from './analytics.messages';
import { AnalyticsRepository } from './analytics.repository';
import { AnalyticsService } from './analytics.service';

@Module({
  imports: [PolicyModule, CameraModule, IncidentModule],
  controllers: [AnalyticsController, AnalyticsMessages],
  providers: [AnalyticsRepository, AnalyticsService],
})
export class AnalyticsModule {}
