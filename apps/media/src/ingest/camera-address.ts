import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { CameraNetworks } from '@borderlens/config';

/** Resolves a host name to all its addresses (tests pass their own). */
export type HostLookup = (host: string) => Promise<string[]>;

export const systemLookup: HostLookup = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * What users are told about a camera that cannot be pulled: fixed texts only. Raw network errors
 * (refused, timed out, no route, reset, the answer of whatever listens there) would let whoever may
 * register a camera scan ports inside the allowed networks; they go to the media node's log.
 */
export const CameraReason = {
  addressRefused: 'camera address not allowed (outside cameras.allowedNetworks)',
  unreachable: 'camera not reachable',
  credentials: 'camera refused the credentials',
  notFound: 'stream not found on the camera',
  connectionLost: 'connection lost',
  /** The camera answered with an RTSP redirect (3xx or REDIRECT): never followed, whatever the target. */
  redirectRefused: 'camera sent an RTSP redirect (not followed)',
  unreadable: 'camera sent an unreadable RTSP answer',
} as const;

export class CameraAddressRefused extends Error {}

/** The fixed text for a raw ffmpeg/ffprobe failure line. */
export function publicReason(raw: string): string {
  if (/\b40[13]\b|Unauthorized|Forbidden/i.test(raw)) return CameraReason.credentials;
  if (/\b404\b|Not Found/i.test(raw)) return CameraReason.notFound;
  return CameraReason.unreachable;
}

/**
 * The camera URL to connect to now: its host resolved and every address checked against the allowed
 * networks, then the host replaced by the checked address, so nothing can resolve differently
 * between the check and the connection (DNS rebinding). Called before every connection attempt.
 */
export async function checkedCameraUrl(raw: string, networks: CameraNetworks, resolve: HostLookup = systemLookup): Promise<string> {
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    throw new CameraAddressRefused(`camera host '${host}' cannot be resolved`);
  }
  if (!addresses.length) throw new CameraAddressRefused(`camera host '${host}' has no address`);
  const port = Number(url.port || (url.protocol === 'rtsps:' ? 322 : 554));
  for (const a of addresses) {
    const why = networks.refusal(a, port);
    if (why) throw new CameraAddressRefused(`camera host '${host}' refused: ${why}`);
  }
  const ip = addresses[0];
  url.hostname = isIP(ip) === 6 ? `[${ip}]` : ip;
  return url.toString();
}
