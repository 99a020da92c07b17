import { BlockList, isIP } from 'node:net';
import type { BorderlensConfig } from './config.types';
import { demoCameraEndpoint } from './load-config';

/**
 * Ranges a camera URL must not point at unless explicitly allowed (cameras.allowSpecialNetworks):
 * otherwise a camera registration could make the media node probe the platform's own network.
 */
export const SPECIAL_NETWORKS = [
  '0.0.0.0/8', // "this network", unspecified
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, including cloud metadata 169.254.169.254
  '100.100.100.200/32', // Alibaba Cloud metadata
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, broadcast
  '::/128', // unspecified
  '::1/128', // loopback
  'fe80::/10', // link-local
  'fd00:ec2::254/128', // AWS metadata (IPv6)
  'ff00::/8', // multicast
];

function toBlockList(cidrs: string[], option: string): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [addr, bits] = cidr.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : isIP(addr) === 4 ? 'ipv4' : null;
    const prefix = Number(bits);
    if (!type || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128)) {
      throw new Error(`Invalid configuration: option '${option}': '${cidr}' is not a CIDR range`);
    }
    list.addSubnet(addr, prefix, type);
  }
  return list;
}

/** IPv4-mapped IPv6 (::ffff:127.0.0.1) is checked as the IPv4 address it is. */
function normalize(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Where cameras may be: the allowed ranges (cameras.allowedNetworks), special-purpose ranges refused unless listed. */
export class CameraNetworks {
  private readonly allowed: BlockList;
  private readonly special = toBlockList(SPECIAL_NETWORKS, 'SPECIAL_NETWORKS');
  private readonly allowedSpecial: BlockList;

  /** `exemptEndpoints`: exact address:port pairs allowed whatever the ranges say (the demo camera). */
  constructor(
    allowedNetworks: string[],
    allowSpecialNetworks: string[],
    private readonly exemptEndpoints: string[] = [],
  ) {
    this.allowed = toBlockList(allowedNetworks, 'cameras.allowedNetworks');
    this.allowedSpecial = toBlockList(allowSpecialNetworks, 'cameras.allowSpecialNetworks');
  }

  /** null when the address (and port) may be used, else why not. */
  refusal(rawAddress: string, port?: number): string | null {
    const { address, type } = normalize(rawAddress);
    if (port !== undefined && this.exemptEndpoints.includes(`${address}:${port}`)) return null;
    if (!this.allowed.check(address, type)) return `${address} is outside the allowed camera networks`;
    if (this.special.check(address, type) && !this.allowedSpecial.check(address, type)) {
      return `${address} is a loopback, link-local, metadata or reserved address`;
    }
    return null;
  }
}

/** The allow-list of a configuration, the demo camera (demo.cameras on, loopback, its port) exempted. */
export function cameraNetworks(cfg: BorderlensConfig): CameraNetworks {
  const demo = demoCameraEndpoint(cfg);
  return new CameraNetworks(cfg.cameras.allowedNetworks, cfg.cameras.allowSpecialNetworks, demo ? [demo] : []);
}
