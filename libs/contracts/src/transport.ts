import { Transport, type MicroserviceOptions, type ClientOptions } from '@nestjs/microservices';
import type { BorderlensConfig } from '@borderlens/config';
import type { ServiceName } from './patterns';
import { ServiceTokens } from './service-auth';
import { natsPassword } from './service-keys';
import { BinaryPacketSocket } from './binary-socket';
import { ClientWire, ServerWire } from './wire';

function tcpPort(cfg: BorderlensConfig, service: ServiceName): number {
  return { gateway: cfg.transport.gatewayPort, media: cfg.transport.mediaPort, anonymizer: cfg.transport.anonymizerPort }[service];
}

/**
 * Handler options (`@MessagePattern(pattern, BROADCAST)`) for a pattern that EVERY instance of a
 * service must receive, not just one member of its NATS queue group: e.g. `media.grant-changed`, since
 * each media node knows only its own sessions.
 *
 * Why `queue: ''`: @nestjs/microservices 11 ServerNats subscribes each handler with
 * `handlerRef.extras?.queue ?? <the server's queue option>`, so `undefined` would fall back to the
 * service's queue group while `''` is kept; nats.js then sends a plain `SUB <subject> <sid>` (it adds a
 * queue group only when `queue` is truthy). The test test/transport/broadcast.e2e-spec.ts checks this
 * with two nodes. Over TCP (one node) the option is ignored. A request sent to such a pattern is
 * answered by the first node to reply; the others' replies are dropped.
 */
export const BROADCAST: Readonly<{ queue: '' }> = Object.freeze({ queue: '' });

/**
 * How `service` listens: NATS when transport.natsUrl is set (a queue group per service, so several
 * instances share the work; patterns marked BROADCAST reach every instance), else TCP on transport.host.
 */
export function serverTransport(cfg: BorderlensConfig, service: ServiceName, tokens: ServiceTokens = ServiceTokens.forApp(cfg, service)): MicroserviceOptions {
  const wire = new ServerWire(tokens, !!cfg.transport.natsUrl);
  const codec = { serializer: wire.serializer, deserializer: wire.deserializer };
  if (cfg.transport.natsUrl) {
    return { transport: Transport.NATS, options: { ...natsConnection(cfg, service), queue: service, ...codec } } as MicroserviceOptions;
  }
  return { transport: Transport.TCP, options: { host: cfg.transport.host, port: tcpPort(cfg, service), socketClass: BinaryPacketSocket, ...codec } } as MicroserviceOptions;
}

/** How `tokens.self` reaches `service` as a client (matches serverTransport). */
export function clientTransport(cfg: BorderlensConfig, service: ServiceName, tokens: ServiceTokens): ClientOptions {
  const wire = new ClientWire(tokens, service, !!cfg.transport.natsUrl);
  const codec = { serializer: wire.serializer, deserializer: wire.deserializer };
  if (cfg.transport.natsUrl) {
    return { transport: Transport.NATS, options: { ...natsConnection(cfg, tokens.self), ...codec } } as ClientOptions;
  }
  return { transport: Transport.TCP, options: { host: cfg.transport.host, port: tcpPort(cfg, service), socketClass: BinaryPacketSocket, ...codec } } as ClientOptions;
}

/**
 * NATS connection options of app `self`: its own user (deploy/nats: subject permissions per app), TLS
 * when transport.natsCaFile is set, and an inbox of its own (`_INBOX_<app>.`) so that no other app may
 * subscribe to its replies.
 */
export function natsConnection(cfg: BorderlensConfig, self: ServiceName): Record<string, unknown> {
  const tls = !!cfg.transport.natsCaFile;
  // A password from the key directory goes only over TLS; an explicit one is the installer's choice.
  const pass = cfg.transport.natsPassword || (tls ? natsPassword(cfg, self) : undefined);
  return {
    servers: [cfg.transport.natsUrl],
    inboxPrefix: `_INBOX_${self}`,
    ...(pass ? { user: cfg.transport.natsUser || self, pass } : {}),
    ...(tls ? { tls: { caFile: cfg.transport.natsCaFile } } : {}),
  };
}
