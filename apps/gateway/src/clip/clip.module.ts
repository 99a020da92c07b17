import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { CameraModule } from '../camera/camera.module';
import { IncidentModule } from '../incident/incident.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { PolicyModule } from '../policy/policy.module';
import { RecordingModule } from '../recording/recording.module';
import { ClipDownloadService } from './clip-download.service';
import { ClipJobService } from './clip-job.service';
import { ClipSigner } from './clip-manifest';
import { ClipController, ClipRequestController } from './clip.controller';
import { ClipRequestRepository } from './clip-request.repository';
import { ClipRequestService } from './clip-request.service';

/**
 * Clip requests and finished clips. Manifests and download links are signed with their own Ed25519
 * key (dataDir/clip-signing-key.json); gateways sharing the work must share that file.
 */
@Module({
  imports: [PolicyModule, CameraModule, IncidentModule, OrganisationModule, RecordingModule],
  controllers: [ClipRequestController, ClipController],
  providers: [
    { provide: ClipSigner, inject: [CONFIG], useFactory: (cfg: BorderlensConfig) => ClipSigner.fromFile(join(cfg.dataDir, 'clip-signing-key.json')) },
    ClipRequestRepository,
    ClipRequestService,
    ClipJobService,
    ClipDownloadService,
  ],
  exports: [ClipRequestService],
})
export class ClipModule {}
