import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { PolicyModule } from '../policy/policy.module';
import { CameraController } from './camera.controller';
import { CameraMessages } from './camera.messages';
import { CameraRepository } from './camera.repository';
import { CameraService } from './camera.service';
import { HostResolver } from './host-resolver';

@Module({
  imports: [OrganisationModule, PolicyModule],
  controllers: [CameraController, CameraMessages],
  providers: [CameraRepository, CameraService, HostResolver],
  exports: [CameraService, CameraRepository],
})
export class CameraModule {}
