import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { bodyErrors, ErrorReplyFilter, requestIds } from '@borderlens/common';
import type { BorderlensConfig } from '@borderlens/config';
import { ServiceName, serverTransport } from '@borderlens/contracts';
import { AppModule } from './app.module';
import { validationPipe } from './common/validation';
import { serveWebApp } from './web/static';

/** The API's OpenAPI document (served at /api/openapi.json; the web app's types are generated from it). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('BorderLens API')
      .setDescription(
        'Lawful cross-border camera sharing (CZ-PL). Bearer tokens come from the Keycloak realm `borderlens`. ' +
          "The policies' reasons (`reasons` of a decision, `details.reasons` of a 403) come in the language of the `Accept-Language` header: cs, pl or en (English for any other or none). " +
          'An error is `{"error": {"code", "message", "details?", "requestId"}}`: `message` is English, for people; a client shows its own text per `code`. ' +
          'Where the text needs specifics, `details` carries them as named values, e.g. `camera_disabled` {camera}, `clip_too_long` {maxDurationSec}, ' +
          '`clip_range_beyond_retention` {retentionDays, retentionMonths?, retainedFrom}, `incident_too_long` and `incident_start_invalid` {maxHours}, `incident_area_invalid` {maxRadiusKm}, ' +
          '`incident_extension_invalid` {endsAt}, `incident_already_accepted` and the like {country}, `camera_host_unresolvable` and `camera_network_refused` {host}, ' +
          '`retention_days_invalid` {retentionDays}, `retention_exceeds_cap` {maxDays, maxMonths}, `analytics_range_too_long` {maxBuckets, bucket}.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}

/** Builds the gateway (HTTP API + transport listener) without listening; tests and main() share it. */
export async function createGateway(cfg: BorderlensConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(cfg), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // The request id comes first so that even a request whose body cannot be parsed gets one.
  app.use(requestIds);
  serveWebApp(app, cfg);
  app.useBodyParser('json', { limit: cfg.gateway.bodyLimit });
  app.use(bodyErrors);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ErrorReplyFilter());
  app.enableShutdownHooks();
  const doc = openApiDocument(app);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/openapi.json' });
  app.connectMicroservice<MicroserviceOptions>(serverTransport(cfg, ServiceName.gateway), { inheritAppConfig: true });
  return app;
}
