import { Transport, type MicroserviceOptions, type ClientOptions } from '@nestjs/microservices';
import type { BorderlensConfig } from '@borderlens/config';
import type { ServiceName } from './patterns';

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
export function serverTransport(cfg: BorderlensConfig, service: ServiceName): MicroserviceOptions {
  if (cfg.transport.natsUrl) {
    return { transport: Transport.NATS, options: { servers: [cfg.transport.natsUrl], queue: service } };
  }
  return { transport: Transport.TCP, options: { host: cfg.transport.host, port: tcpPort(cfg, service) } };
}

/** How to reach `service` as a client (matches serverTransport). */
export function clientTransport(cfg: BorderlensConfig, service: ServiceName): ClientOptions {
  if (cfg.transport.natsUrl) {
    return { transport: Transport.NATS, options: { servers: [cfg.transport.natsUrl] } };
  }
  return { transport: Transport.TCP, options: { host: cfg.transport.host, port: tcpPort(cfg, service) } };
}
