import 'reflect-metadata';
import { ConfigError, loadConfig } from '@borderlens/config';
import { createGateway } from './bootstrap';

async function main(): Promise<void> {
  const cfg = loadConfig();
  const app = await createGateway(cfg);
  await app.startAllMicroservices();
  await app.listen(cfg.gateway.port, cfg.gateway.host);
}

main().catch((e) => {
  // Configuration mistakes get a one-line message naming the option, not a stack trace.
  process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `gateway failed to start: ${e?.stack ?? e}\n`);
  process.exit(1);
});
