import { PatternCallers, ServiceName, patternOwner, type Pattern } from './patterns';

/** Subjects app `self` may publish (calls it may make) and subscribe (calls it serves, its own replies). */
export function natsPermissions(self: ServiceName): { publish: string[]; subscribe: string[] } {
  const patterns = Object.keys(PatternCallers) as Pattern[];
  return {
    publish: patterns.filter((p) => PatternCallers[p].includes(self)),
    subscribe: [...patterns.filter((p) => patternOwner(p) === self), `_INBOX_${self}.>`],
  };
}

export interface NatsServerConfigOptions {
  host: string;
  port: number;
  /** TLS: server certificate and key (PEM files); clients check them with their CA (transport.natsCaFile). */
  certFile: string;
  keyFile: string;
  /** Password per app, or a nats-server variable reference such as `$MEDIA_NATS_PASSWORD`. */
  passwords: Record<ServiceName, string>;
}

/**
 * nats-server configuration for BorderLens: TLS required, one user per app, each allowed only the
 * subjects of PatternCallers, replies only to the calls it received (allow_responses).
 */
export function natsServerConfig(o: NatsServerConfigOptions): string {
  const q = (s: string) => (s.startsWith('$') ? s : JSON.stringify(s));
  const users = Object.values(ServiceName).map((app) => {
    const p = natsPermissions(app);
    return `    { user: ${JSON.stringify(app)}, password: ${q(o.passwords[app])}, permissions: {
        publish: { allow: ${JSON.stringify(p.publish)} }
        subscribe: { allow: ${JSON.stringify(p.subscribe)} }
        allow_responses: true
      } }`;
  });
  return `# Generated from PatternCallers (libs/contracts/src/patterns.ts): do not edit by hand.
host: ${JSON.stringify(o.host)}
port: ${o.port}
tls {
  cert_file: ${JSON.stringify(o.certFile)}
  key_file: ${JSON.stringify(o.keyFile)}
  timeout: 2
}
authorization {
  users: [
${users.join('\n')}
  ]
}
`;
}
