import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LogLevel } from '@nestjs/common';
import { bodyErrors, ErrorReplyFilter, requestIds } from '@borderlens/common';
import type { BorderlensConfig } from '@borderlens/config';
import { mediaErrors } from './media-errors';
import { MediaModule, type MediaOverrides } from './media.module';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

function nestLevels(level: BorderlensConfig['logLevel']): LogLevel[] | false {
  if (level === 'silent') return false;
  const upto = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 }[level];
  return LEVELS.slice(0, upto + 1);
}

/** The media node's HTTP side (WHEP, health), ready to listen; main.ts adds the transport. */
export async function createMediaApp(cfg: BorderlensConfig, overrides: MediaOverrides = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(MediaModule.forRoot(cfg, overrides), {
    bodyParser: false,
    logger: nestLevels(cfg.logLevel),
  });
  // Errors answer in the gateway's shape, {"error": {code, message, requestId}}: the id comes first so
  // that even a request whose body cannot be parsed gets one. The filter also serves the transport
  // (main.ts connects it with inheritAppConfig).
  app.use(requestIds);
  app.useBodyParser('text', { type: 'application/sdp', limit: '64kb' });
  app.useBodyParser('json', { limit: '16kb' });
  app.use(bodyErrors);
  app.useGlobalFilters(new ErrorReplyFilter({ known: mediaErrors }));
  // The UI is served by the gateway: let its pages call WHEP and read the session URL.
  app.enableCors({
    origin: [new URL(cfg.gateway.publicUrl).origin],
    methods: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match'],
    exposedHeaders: ['Location', 'ETag', 'Link', 'X-Request-Id'],
  });
  app.enableShutdownHooks();
  return app;
}
