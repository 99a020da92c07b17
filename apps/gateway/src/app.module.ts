import { MiddlewareConsumer, Module, NestModule, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, type BorderlensConfig } from '@borderlens/config';
import { requestId } from '@borderlens/common';
import { DatabaseModule } from '@borderlens/database';
import { AuditModule } from '@borderlens/audit';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuthModule } from './auth/auth.module';
import { AuditHttpModule } from './audit/audit-http.module';
import { CameraModule } from './camera/camera.module';
import { ClipModule } from './clip/clip.module';
import { SchedulerModule } from './common/scheduler.module';
import { LiveSessionModule } from './live-session/live-session.module';
import { HealthModule } from './health/health.module';
import { IncidentModule } from './incident/incident.module';
import { MeController } from './me/me.controller';
import { MetricsMiddleware, MetricsModule } from './metrics/metrics';
import { OrganisationModule } from './organisation/organisation.module';
import { PolicyModule } from './policy/policy.module';
import { PolicyVersionsModule } from './policy/policy-versions.module';
import { RecordingModule } from './recording/recording.module';
import { RetentionReviewModule } from './retention-review/retention-review.module';
import { SeedService } from './seed/seed.service';
import { TransportModule } from './transport/transport.module';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule implements NestModule {
  static forRoot(cfg: BorderlensConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(cfg),
        LoggerModule.forRoot({
          pinoHttp: {
            level: cfg.logLevel,
            genReqId: (req, res) => (req as { id?: string }).id ?? requestId(req, res),
            base: { app: 'gateway' },
            // Tokens and cookies never reach the logs.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
          },
        }),
        DatabaseModule.forRoot(),
        SchedulerModule,
        AuditModule,
        AuthModule,
        TransportModule,
        MetricsModule,
        HealthModule,
        OrganisationModule,
        PolicyModule,
        CameraModule,
        IncidentModule,
        LiveSessionModule,
        PolicyVersionsModule,
        RecordingModule,
        ClipModule,
        AuditHttpModule,
        AnalyticsModule,
        WebModule,
        RetentionReviewModule,
      ],
      controllers: [MeController],
      providers: [SeedService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MetricsMiddleware).forRoutes('*path');
  }
}
