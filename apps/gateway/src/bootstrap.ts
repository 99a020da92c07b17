import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { BorderlensConfig } from '@borderlens/config';
import { ServiceName, serverTransport } from '@borderlens/contracts';
import { AppModule } from './app.module';
import { ErrorFilter } from './common/error.filter';
import { validationPipe } from './common/validation';
import { requestId } from './common/request-id';
import { bodyErrors } from './common/error.filter';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Builds the gateway (HTTP API + transport listener) without listening; tests and main() share it. */
export async function createGateway(cfg: BorderlensConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(cfg), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // The request id comes first so that even a request whose body cannot be parsed gets one.
  app.use((req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void) => {
    req.id = requestId(req, res);
    next();
  });
  app.useBodyParser('json', { limit: cfg.gateway.bodyLimit });
  app.use(bodyErrors);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('BorderLens API')
      .setDescription('Lawful cross-border camera sharing (CZ-PL). Bearer tokens come from the Keycloak realm `borderlens`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/openapi.json' });
  app.connectMicroservice<MicroserviceOptions>(serverTransport(cfg, ServiceName.gateway), { inheritAppConfig: true });
  return app;
}
