#!/usr/bin/env node
// Prints the nats-server configuration of BorderLens (TLS, one user per app, subject permissions
// from PatternCallers) with passwords read from the environment: GATEWAY_NATS_PASSWORD,
// MEDIA_NATS_PASSWORD, ANONYMIZER_NATS_PASSWORD. Usage: node scripts/nats-config.js > nats-server.conf
const { natsServerConfig } = require('../dist/libs/contracts/src');
process.stdout.write(
  natsServerConfig({
    host: process.env.NATS_HOST || '0.0.0.0',
    port: Number(process.env.NATS_PORT || 4222),
    certFile: process.env.NATS_CERT_FILE || '/etc/nats/tls/tls.crt',
    keyFile: process.env.NATS_KEY_FILE || '/etc/nats/tls/tls.key',
    passwords: { gateway: '$GATEWAY_NATS_PASSWORD', media: '$MEDIA_NATS_PASSWORD', anonymizer: '$ANONYMIZER_NATS_PASSWORD' },
  }),
);
