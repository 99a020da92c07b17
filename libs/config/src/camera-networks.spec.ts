import { CameraNetworkPolicy } from './camera-networks';

describe('CameraNetworkPolicy', () => {
  const open = new CameraNetworkPolicy(['0.0.0.0/0', '::/0'], []);

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
    const p = new CameraNetworkPolicy(['0.0.0.0/0'], ['127.0.0.0/8']);
    expect(p.refusal('127.0.0.1')).toBeNull();
    expect(p.refusal('169.254.169.254')).not.toBeNull();
  });

  it('allows an exempt endpoint (the demo camera) on its port only', () => {
    const p = new CameraNetworkPolicy(['0.0.0.0/0'], [], ['127.0.0.1:8554']);
    expect(p.refusal('127.0.0.1', 8554)).toBeNull();
    expect(p.refusal('127.0.0.1', 554)).toMatch(/loopback/);
    expect(p.refusal('127.0.0.1')).toMatch(/loopback/);
    expect(p.refusal('127.0.0.2', 8554)).toMatch(/loopback/);
  });

  it('refuses addresses outside the allowed networks', () => {
    const p = new CameraNetworkPolicy(['192.168.0.0/16'], []);
    expect(p.refusal('192.168.1.1')).toBeNull();
    expect(p.refusal('10.0.0.1')).toMatch(/outside the allowed/);
    expect(p.refusal('2001:db8::1')).toMatch(/outside the allowed/);
  });

  it('refuses a configuration entry that is not a CIDR', () => {
    expect(() => new CameraNetworkPolicy(['192.168.0.0'], [])).toThrow("option 'cameras.allowedNetworks'");
  });
});
