import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@borderlens/config';
import { serverTransport } from '@borderlens/contracts';
import { createMediaApp } from './media.app';

/** The media node: WHEP over HTTP, and the transport for the gateway's calls. */
async function bootstrap(): Promise<void> {
  const cfg = loadConfig();
  const app = await createMediaApp(cfg);
  app.connectMicroservice(serverTransport(cfg, 'media'), { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(cfg.media.port, cfg.media.host);
  new Logger('media').log(`WHEP on http://${cfg.media.host}:${cfg.media.port}/whep/{cameraId}; public URL ${cfg.media.publicUrl}`);
}

bootstrap().catch((e) => {
  new Logger('media').fatal(`cannot start: ${(e as Error).message}`);
  process.exit(1);
});
