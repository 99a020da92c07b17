import { Module } from '@nestjs/common';
import { CONFIG, encryptionKey, type BorderlensConfig } from '@borderlens/config';
import { OrganisationModule } from '../organisation/organisation.module';
import { PolicyModule } from '../policy/policy.module';
import { CameraAddressService } from './camera-address.service';
import { CameraController } from './camera.controller';
import { CameraMediaService } from './camera-media.service';
import { CameraProbeService } from './camera-probe.service';
import { CameraMessages } from './camera.messages';
import { CameraRepository } from './camera.repository';
import { CameraService } from './camera.service';
import { CameraVisibilityService } from './camera-visibility.service';
import { CredentialsCipher } from './credentials-cipher';
import { HostResolver } from './host-resolver';
import { PushKeyService } from './push-key.service';

/**
 * Cameras, one service per concept, each calling only those below it:
 * CameraService (manage) -> CameraAddressService (ingest address) -> PushKeyService -> CameraVisibilityService (find) -> CameraRepository.
 * CameraMediaService answers the media node; CameraProbeService tests a connection through it.
 */
@Module({
  imports: [OrganisationModule, PolicyModule],
  controllers: [CameraController, CameraMessages],
  providers: [
    CameraRepository,
    HostResolver,
    { provide: CredentialsCipher, useFactory: (cfg: BorderlensConfig) => new CredentialsCipher(encryptionKey(cfg)), inject: [CONFIG] },
    CameraVisibilityService,
    PushKeyService,
    CameraAddressService,
    CameraService,
    CameraMediaService,
    CameraProbeService,
  ],
  exports: [CameraService, CameraVisibilityService, CameraRepository],
})
export class CameraModule {}
