import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { PolicyModule } from '../policy/policy.module';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditReadService } from './audit-read.service';
import { AuditController } from './audit.controller';

@Module({
  imports: [PolicyModule, OrganisationModule, CameraModule],
  controllers: [AuditController],
  providers: [AuditReadService, AuditCheckpointService],
  exports: [AuditCheckpointService],
})
export class AuditHttpModule {}
