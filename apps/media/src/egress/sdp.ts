/** What the media node needs from a WHEP client's SDP offer. */
export interface OfferedVideo {
  mid: string;
  /** Payload type of the H.264 format we answer with. */
  payloadType: number;
  /** Its fmtp line value (profile-level-id, packetization-mode ...). */
  fmtp: string;
}

export class SdpError extends Error {}

/**
 * Picks the video section and the H.264 format to send: packetization-mode=1 required (we send
 * fragmented NAL units), constrained baseline 42e01f preferred (what every browser decodes), then
 * any other H.264 profile.
 */
export function parseOffer(sdp: string): OfferedVideo {
  if (!/^v=0/m.test(sdp)) throw new SdpError('the body is not an SDP offer');
  const sections = sdp.split(/\r?\n(?=m=)/);
  const video = sections.find((s) => s.startsWith('m=video'));
  if (!video) throw new SdpError('the offer has no video section');
  const mid = /^a=mid:(\S+)/m.exec(video)?.[1];
  if (!mid) throw new SdpError('the video section has no a=mid');
  if (/^a=(sendonly|inactive)\s*$/m.test(video)) throw new SdpError('the video section must be recvonly or sendrecv');
  const candidates: OfferedVideo[] = [];
  for (const m of video.matchAll(/^a=rtpmap:(\d+) H264\/90000\s*$/gim)) {
    const pt = Number(m[1]);
    const fmtp = new RegExp(`^a=fmtp:${pt} (.+?)\\s*$`, 'm').exec(video)?.[1] ?? '';
    if (/packetization-mode=1/.test(fmtp)) candidates.push({ mid, payloadType: pt, fmtp });
  }
  if (!candidates.length) throw new SdpError('the offer has no H.264 format with packetization-mode=1');
  const rank = (c: OfferedVideo) => {
    const pli = /profile-level-id=([0-9a-f]{6})/i.exec(c.fmtp)?.[1]?.toLowerCase() ?? '';
    return pli.startsWith('42e0') ? 0 : pli.startsWith('4200') ? 1 : 2;
  };
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}
