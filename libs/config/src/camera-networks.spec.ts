import { cameraNetworks, CameraNetworks } from './camera-networks';
import { loadConfig } from './load-config';

describe('CameraNetworks', () => {
  const open = new CameraNetworks(['0.0.0.0/0', '::/0'], []);

  it.each(['192.168.10.20', '10.1.2.3', '81.2.69.142', '2001:db8::10'])('allows camera address %s', (a) => {
    expect(open.refusal(a)).toBeNull();
  });

  it.each(['127.0.0.1', '127.9.9.9', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', '::ffff:127.0.0.1', '224.0.0.1', '100.100.100.200', 'fd00:ec2::254'])(
    'refuses special address %s by default',
    (a) => {
      expect(open.refusal(a)).toMatch(/loopback, link-local, metadata or reserved/);
    },
  );

  it('allows loopback only when listed explicitly', () => {
    const p = new CameraNetworks(['0.0.0.0/0'], ['127.0.0.0/8']);
    expect(p.refusal('127.0.0.1')).toBeNull();
    expect(p.refusal('169.254.169.254')).not.toBeNull();
  });

  it('allows an exempt endpoint (the demo camera) on its port only', () => {
    const p = new CameraNetworks(['0.0.0.0/0'], [], ['127.0.0.1:8554']);
    expect(p.refusal('127.0.0.1', 8554)).toBeNull();
    expect(p.refusal('127.0.0.1', 554)).toMatch(/loopback/);
    expect(p.refusal('127.0.0.1')).toMatch(/loopback/);
    expect(p.refusal('127.0.0.2', 8554)).toMatch(/loopback/);
  });

  it('refuses addresses outside the allowed networks', () => {
    const p = new CameraNetworks(['192.168.0.0/16'], []);
    expect(p.refusal('192.168.1.1')).toBeNull();
    expect(p.refusal('10.0.0.1')).toMatch(/outside the allowed/);
    expect(p.refusal('2001:db8::1')).toMatch(/outside the allowed/);
  });

  it('refuses a configuration entry that is not a CIDR', () => {
    expect(() => new CameraNetworks(['192.168.0.0'], [])).toThrow("option 'cameras.allowedNetworks'");
  });

  it('by default allows the private camera ranges only, and the demo camera while demo.cameras is on', () => {
    const policy = cameraNetworks(loadConfig({}, undefined));
    for (const a of ['10.1.2.3', '172.16.5.5', '192.168.1.10', '100.64.0.9', 'fd12::1']) expect([a, policy.refusal(a, 554)]).toEqual([a, null]);
    for (const a of ['8.8.8.8', '203.0.113.7', '2001:db8::1', '127.0.0.1', '169.254.169.254']) expect(policy.refusal(a, 554)).not.toBeNull();
    expect(policy.refusal('127.0.0.1', 8554)).toBeNull();
    const production = cameraNetworks(loadConfig({ BORDERLENS_DEMO_CAMERAS: 'false' }, undefined));
    expect(production.refusal('127.0.0.1', 8554)).not.toBeNull();
  });
});
