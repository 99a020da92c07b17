import { FLV_HEADER, flvVideoTag } from '../ffmpeg/flv';

/** A real x264 SPS/PPS (baseline, 1280x720) and an FLV stream built around them. */
export const SPS_720 = Buffer.from('6742c01fda014016ec0440000003004000000ca3c60ca8', 'hex');
export const PPS = Buffer.from('68ce0fc8', 'hex');

export function avcRecord(sps = SPS_720, pps = PPS): Buffer {
  return Buffer.concat([Buffer.from([1, sps[1], sps[2], sps[3], 0xff, 0xe1]), Buffer.from([0, sps.length]), sps, Buffer.from([1, 0, pps.length]), pps]);
}

/** FLV header, config tag and `n` frames (keyframe every `gop`), 40 ms apart. */
export function flvStream(n: number, gop = 25, startMs = 0): Buffer {
  const tags = [flvVideoTag('config', avcRecord(), startMs, true)];
  for (let i = 0; i < n; i++) {
    const key = i % gop === 0;
    tags.push(flvVideoTag('frame', Buffer.from([0, 0, 0, 2, key ? 0x65 : 0x41, i & 0xff]), startMs + i * 40, key));
  }
  return Buffer.concat([FLV_HEADER, ...tags]);
}
