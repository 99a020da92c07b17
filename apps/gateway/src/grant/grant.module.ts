import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { GrantSigner } from '@borderlens/auth';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { CameraModule } from '../camera/camera.module';
import { IncidentModule } from '../incident/incident.module';
import { PolicyModule } from '../policy/policy.module';
import { GrantController } from './grant.controller';
import { GrantNotifier } from './grant-notifier.service';
import { GrantRepository } from './grant.repository';
import { GrantReviewService } from './grant-review.service';
import { GrantService } from './grant.service';
import { SessionController } from './session.controller';
import { LiveController } from './live.controller';
import { LiveAccessService } from './live-access.service';
import { WhepAuditMessages } from './whep-audit.messages';
import { WhepAuditService } from './whep-audit.service';

/**
 * Grants and live sessions. The signing key (Ed25519) is generated once into dataDir; gateways that
 * share the work must share that file, or media nodes would trust only one of them.
 */
@Module({
  imports: [PolicyModule, CameraModule, IncidentModule],
  controllers: [SessionController, GrantController, LiveController, WhepAuditMessages],
  providers: [
    { provide: GrantSigner, inject: [CONFIG], useFactory: (cfg: BorderlensConfig) => GrantSigner.fromFile(join(cfg.dataDir, 'grant-signing-key.json')) },
    GrantRepository,
    GrantNotifier,
    GrantService,
    GrantReviewService,
    LiveAccessService,
    WhepAuditService,
  ],
  exports: [GrantService],
})
export class GrantModule {}
