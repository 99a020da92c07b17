import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { IncidentModule } from '../incident/incident.module';
import { PolicyModule } from '../policy/policy.module';
import { RecordingAccessService } from './recording-access.service';
import { RecordingController } from './recording.controller';
import { RecordingMessages } from './recording.messages';
import { RecordingRepository } from './recording.repository';
import { RecordingService } from './recording.service';

@Module({
  imports: [PolicyModule, CameraModule, IncidentModule],
  controllers: [RecordingMessages, RecordingController],
  providers: [RecordingRepository, RecordingService, RecordingAccessService],
  exports: [RecordingService],
})
export class RecordingModule {}
