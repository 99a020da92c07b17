import { DynamicModule, Module, type Provider } from '@nestjs/common';
import type { JWTVerifyGetKey } from 'jose';
import { ConfigModule, type BorderlensConfig } from '@borderlens/config';
import { ServiceAuthGuard, ServiceTokens } from '@borderlens/contracts';
import { ClipService } from './clip/clip.service';
import { StillService } from './clip/still.service';
import { GrantVerifier, GRANT_KEYS } from './egress/grant-verifier.service';
import { WhepController } from './egress/whep.controller';
import { WhepConnectionService } from './egress/whep-connection.service';
import { WhepAuditReporter } from './egress/whep-audit';
import { ProcessRepository } from '@borderlens/media';
import { MediaHealthController } from './media-health.controller';
import { IngestService } from './ingest/ingest.service';
import { StateReporter } from './ingest/state-reporter';
import { PushService } from './ingest/push.service';
import { LiveService } from './live/live.service';
import { RecorderService } from './recording/recorder.service';
import { SegmentStore } from './recording/segment.store';
import { MediaMessages } from './transport/media.messages';
import { AnalyzerPort, DetectorPort, GatewayPort } from './transport/ports';
import { AnalyzerClient, AnonymizerClient, GatewayClient } from './transport/service-clients';
import { AnalyticsService } from './analytics/analytics.service';

/** Replacements for tests: an in-memory gateway or detector, local grant keys, scripted processes. */
export interface MediaOverrides {
  gateway?: GatewayPort;
  detector?: DetectorPort;
  analyzer?: AnalyzerPort;
  grantKeys?: JWTVerifyGetKey;
  processes?: ProcessRepository;
}

@Module({})
export class MediaModule {
  static forRoot(cfg: BorderlensConfig, o: MediaOverrides = {}): DynamicModule {
    const providers: Provider[] = [
      o.processes ? { provide: ProcessRepository, useValue: o.processes } : ProcessRepository,
      o.gateway ? { provide: GatewayPort, useValue: o.gateway } : { provide: GatewayPort, useClass: GatewayClient },
      o.detector ? { provide: DetectorPort, useValue: o.detector } : { provide: DetectorPort, useClass: AnonymizerClient },
      o.analyzer ? { provide: AnalyzerPort, useValue: o.analyzer } : { provide: AnalyzerPort, useClass: AnalyzerClient },
      ...(o.grantKeys ? [{ provide: GRANT_KEYS, useValue: o.grantKeys }] : []),
      { provide: ServiceTokens, useFactory: () => ServiceTokens.forApp(cfg, 'media') },
      ServiceAuthGuard,
      StateReporter,
      IngestService,
      PushService,
      LiveService,
      SegmentStore,
      RecorderService,
      AnalyticsService,
      ClipService,
      StillService,
      GrantVerifier,
      WhepAuditReporter,
      WhepConnectionService,
    ];
    return {
      module: MediaModule,
      imports: [ConfigModule.forRoot(cfg)],
      controllers: [WhepController, MediaHealthController, MediaMessages],
      providers,
    };
  }
}
