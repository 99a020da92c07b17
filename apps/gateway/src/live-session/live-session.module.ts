import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { GrantSigner } from '@borderlens/auth';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { CameraModule } from '../camera/camera.module';
import { IncidentModule } from '../incident/incident.module';
import { PolicyModule } from '../policy/policy.module';
import { GrantController } from './grant.controller';
import { LiveSessionNotifier } from './live-session-notifier.service';
import { LiveSessionRepository } from './live-session.repository';
import { LiveSessionReviewService } from './live-session-review.service';
import { LiveSessionService } from './live-session.service';
import { LiveSessionController } from './live-session.controller';
import { LiveController } from './live.controller';
import { LiveAccessService } from './live-access.service';
import { WhepAuditMessages } from './whep-audit.messages';
import { WhepAuditService } from './whep-audit.service';

/**
 * Live sessions and the grants they run on. The signing key (Ed25519) is generated once into dataDir; gateways that
 * share the work must share that file, or media nodes would trust only one of them.
 */
@Module({
  imports: [PolicyModule, CameraModule, IncidentModule],
  controllers: [LiveSessionController, GrantController, LiveController, WhepAuditMessages],
  providers: [
    { provide: GrantSigner, inject: [CONFIG], useFactory: (cfg: BorderlensConfig) => GrantSigner.fromFile(join(cfg.dataDir, 'grant-signing-key.json')) },
    LiveSessionRepository,
    LiveSessionNotifier,
    LiveSessionService,
    LiveSessionReviewService,
    LiveAccessService,
    WhepAuditService,
  ],
  exports: [LiveSessionService],
})
export class LiveSessionModule {}
