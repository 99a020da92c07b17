import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CONFIG, ConfigModule, type BorderlensConfig } from '@borderlens/config';
import { ServiceAuthGuard, ServiceName, ServiceTokens } from '@borderlens/contracts';
import { AnonymizerController } from './anonymizer.controller';
import { AnonymizerService } from './anonymizer.service';
import { ImageRepository } from './repositories/image.repository';
import { ModelRepository } from './repositories/model.repository';
import { AnalyticsService, AnalyticsSink, GatewayAnalyticsSink } from './analytics/analytics.service';

@Module({})
export class AnonymizerModule {
  static forRoot(cfg: BorderlensConfig): DynamicModule {
    return {
      module: AnonymizerModule,
      imports: [ConfigModule.forRoot(cfg), LoggerModule.forRoot({ pinoHttp: { level: cfg.logLevel, base: { app: 'anonymizer' } } })],
      controllers: [AnonymizerController],
      providers: [
        { provide: ServiceTokens, inject: [CONFIG], useFactory: (c: BorderlensConfig) => ServiceTokens.forApp(c, ServiceName.anonymizer) },
        { provide: ModelRepository, inject: [CONFIG], useFactory: ModelRepository.fromConfig },
        { provide: ImageRepository, inject: [CONFIG], useFactory: ImageRepository.fromConfig },
        ServiceAuthGuard,
        AnonymizerService,
        { provide: AnalyticsSink, inject: [CONFIG], useFactory: (c: BorderlensConfig) => GatewayAnalyticsSink.create(c) },
        AnalyticsService,
      ],
    };
  }
}
