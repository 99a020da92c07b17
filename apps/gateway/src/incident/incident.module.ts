import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { PolicyModule } from '../policy/policy.module';
import { IncidentController } from './incident.controller';
import { IncidentRepository } from './incident.repository';
import { IncidentService } from './incident.service';

@Module({
  imports: [PolicyModule, CameraModule],
  controllers: [IncidentController],
  providers: [IncidentRepository, IncidentService],
  exports: [IncidentService],
})
export class IncidentModule {}
