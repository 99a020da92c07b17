import { Transport, type MicroserviceOptions, type ClientOptions } from '@nestjs/microservices';
import type { BorderlensConfig } from '@borderlens/config';
import type { ServiceName } from './patterns';

function tcpPort(cfg: BorderlensConfig, service: ServiceName): number {
  return { gateway: cfg.transport.gatewayPort, media: cfg.transport.mediaPort, anonymizer: cfg.transport.anonymizerPort }[service];
}

/**
 * How `service` listens: NATS when transport.natsUrl is set (a queue group per service, so several
 * instances share the work), else TCP on transport.host.
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
