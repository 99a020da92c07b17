import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@borderlens/config';
import { ServiceName, serverTransport } from '@borderlens/contracts';
import { AnonymizerModule } from './anonymizer.module';
import { ModelIntegrityError } from './repositories/model.repository';

/**
 * The anonymizer as a microservice on the apps' transport (TCP on loopback, or NATS with a queue
 * group so several instances share the frames). Refuses to start when a model file is missing or
 * does not match SHA256SUMS.
 */
async function main(): Promise<void> {
  const cfg = loadConfig();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AnonymizerModule.forRoot(cfg), {
    ...serverTransport(cfg, ServiceName.anonymizer),
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen();
  app.get(Logger).log(`anonymizer listening (${cfg.transport.natsUrl ? `NATS ${cfg.transport.natsUrl}` : `TCP ${cfg.transport.host}:${cfg.transport.anonymizerPort}`})`);
}

main().catch((e) => {
  const known = e instanceof ConfigError || e instanceof ModelIntegrityError;
  process.stderr.write(known ? `anonymizer refused to start: ${e.message}\n` : `anonymizer failed to start: ${e?.stack ?? e}\n`);
  process.exit(1);
});
