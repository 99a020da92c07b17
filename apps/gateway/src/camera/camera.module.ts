import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { PolicyModule } from '../policy/policy.module';
import { CameraController } from './camera.controller';
import { CameraProbeService } from './camera-probe.service';
import { CameraMessages } from './camera.messages';
import { CameraRepository } from './camera.repository';
import { CameraService } from './camera.service';
import { HostResolver } from './host-resolver';

@Module({
  imports: [OrganisationModule, PolicyModule],
  controllers: [CameraController, CameraMessages],
  providers: [CameraRepository, CameraService, CameraProbeService, HostResolver],
  exports: [CameraService, CameraRepository],
})
export class CameraModule {}
