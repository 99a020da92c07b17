import { Module } from '@nestjs/common';
import { CameraModule } from '../camera/camera.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { PolicyModule } from '../policy/policy.module';
import { AuditReadService } from './audit-read.service';
import { AuditController } from './audit.controller';

@Module({ imports: [PolicyModule, OrganisationModule, CameraModule], controllers: [AuditController], providers: [AuditReadService] })
export class AuditHttpModule {}
