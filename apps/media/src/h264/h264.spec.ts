import { joinNalus, parseAvcConfig, parseSps, profileLevelId, splitNalus, toFourByteLengths } from './h264';

// SPS written by x264 (captured from ffmpeg): baseline 1280x720, baseline 1920x1080 (cropped from 1088), high 1280x720.
const SPS_720_BASELINE = Buffer.from('6742c01fda014016ec0440000003004000000ca3c60ca8', 'hex');
const SPS_1080 = Buffer.from('6742c028da01e0089f97011000000300100000030320f1832a', 'hex');
const SPS_720_HIGH = Buffer.from('64001facd9405005bb011000000300100000030320f18319600'.replace(/^/, '67'), 'hex');
const PPS = Buffer.from('68ce0fc8', 'hex');

describe('H.264 helpers', () => {
  it('reads the picture size from SPS, with cropping and high-profile fields', () => {
    expect(parseSps(SPS_720_BASELINE)).toMatchObject({ width: 1280, height: 720, profileIdc: 66, levelIdc: 31 });
    expect(parseSps(SPS_1080)).toMatchObject({ width: 1920, height: 1080, levelIdc: 40 });
    expect(parseSps(SPS_720_HIGH)).toMatchObject({ width: 1280, height: 720, profileIdc: 100 });
  });

  it('refuses a NAL unit that is not an SPS', () => {
    expect(() => parseSps(PPS)).toThrow(/not an SPS/);
  });

  it('parses an AVC decoder configuration record and names its profile-level-id', () => {
    const rec = Buffer.concat([Buffer.from([1, 0x42, 0xc0, 0x1f, 0xff, 0xe1]), Buffer.from([0, SPS_720_BASELINE.length]), SPS_720_BASELINE, Buffer.from([1, 0, PPS.length]), PPS]);
    const c = parseAvcConfig(rec);
    expect(c.lengthSize).toBe(4);
    expect(c.sps[0].equals(SPS_720_BASELINE)).toBe(true);
    expect(c.pps[0].equals(PPS)).toBe(true);
    expect(profileLevelId(c)).toBe('42c01f');
    expect(() => parseAvcConfig(Buffer.from([0, 1, 2]))).toThrow(/invalid/);
  });

  it('splits and joins length-prefixed NAL units, and rewrites 2-byte prefixes to 4', () => {
    const joined = joinNalus([SPS_720_BASELINE, PPS]);
    expect(splitNalus(joined).map((n) => n.toString('hex'))).toEqual([SPS_720_BASELINE.toString('hex'), PPS.toString('hex')]);
    const two = Buffer.concat([Buffer.from([0, PPS.length]), PPS]);
    expect(toFourByteLengths(two, 2).equals(joinNalus([PPS]))).toBe(true);
  });
});
