import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { natsPermissions, natsServerConfig } from './nats-config';

const DEPLOYED = join(__dirname, '../../../deploy/nats/nats-server.conf');
const render = () =>
  natsServerConfig({
    host: '0.0.0.0',
    port: 4222,
    certFile: '/etc/nats/tls/tls.crt',
    keyFile: '/etc/nats/tls/tls.key',
    passwords: { gateway: '$GATEWAY_NATS_PASSWORD', media: '$MEDIA_NATS_PASSWORD', anonymizer: '$ANONYMIZER_NATS_PASSWORD' },
  });

describe('NATS permissions', () => {
  it('give the anonymizer no gateway or media subject to subscribe, and only its own calls to publish', () => {
    const p = natsPermissions('anonymizer');
    expect(p.subscribe.every((s) => s.startsWith('anonymizer.') || s === '_INBOX_anonymizer.>')).toBe(true);
    expect(p.publish).toEqual(['gateway.analytics-minutes']);
  });

  it('deploy/nats/nats-server.conf is the rendering of PatternCallers (node scripts/nats-config.js after a build)', () => {
    expect(readFileSync(DEPLOYED, 'utf8')).toBe(render());
  });
});
