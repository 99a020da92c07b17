import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@borderlens/config';
import { AppModule } from '../app.module';
import { openApiDocument } from '../bootstrap';

/**
 * Writes the gateway's OpenAPI document (the one served at /api/openapi.json) to the file named
 * first, or stdout, without starting anything: preview mode scans the modules but instantiates no
 * provider, so no database, transport or Keycloak is needed. The web build generates its types from it.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot(loadConfig({}, undefined)), { preview: true, logger: false, abortOnError: false });
  const json = JSON.stringify(openApiDocument(app), null, 2);
  if (process.argv[2]) {
    mkdirSync(dirname(process.argv[2]), { recursive: true });
    writeFileSync(process.argv[2], json);
  } else process.stdout.write(json);
}

main().catch((e) => {
  process.stderr.write(`openapi: ${e?.stack ?? e}\n`);
  process.exit(1);
});
