import { FLV_HEADER, FlvDemuxer, flvVideoTag, type VideoFrame } from './flv';

describe('FlvDemuxer', () => {
  const config = Buffer.from([1, 0x42, 0xc0, 0x1f, 0xff, 0xe1, 0, 1, 0x67, 1, 0, 1, 0x68]);
  const frames = [
    flvVideoTag('frame', Buffer.from([0, 0, 0, 2, 0x65, 0xaa]), 0, true),
    flvVideoTag('frame', Buffer.from([0, 0, 0, 2, 0x41, 0xbb]), 40, false, 80),
    flvVideoTag('frame', Buffer.alloc(70000, 7), 0x1234567, false),
  ];
  const stream = Buffer.concat([FLV_HEADER, flvVideoTag('config', config, 0, true), ...frames]);

  function parse(chunks: Buffer[]) {
    const got: { configs: Buffer[]; frames: VideoFrame[] } = { configs: [], frames: [] };
    const d = new FlvDemuxer({ onConfig: (r) => got.configs.push(r), onFrame: (f) => got.frames.push(f) });
    for (const c of chunks) d.push(c);
    return got;
  }

  it('yields the config record and each frame with its flags and times, however the bytes are chunked', () => {
    for (const size of [1, 7, 188, 65536, stream.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      const got = parse(chunks);
      expect(got.configs).toHaveLength(1);
      expect(got.configs[0].equals(config)).toBe(true);
      expect(got.frames.map((f) => [f.keyframe, f.dts, f.pts, f.nalus.length])).toEqual([
        [true, 0, 0, 6],
        [false, 40, 120, 6],
        [false, 0x1234567, 0x1234567, 70000],
      ]);
      // raw tags round-trip: they can be written to another ffmpeg as they are
      expect(Buffer.concat(got.frames.map((f) => f.raw)).equals(Buffer.concat(frames))).toBe(true);
    }
  });

  it('refuses a stream that is not FLV, or FLV video that is not H.264', () => {
    expect(() => parse([Buffer.from('RIFF0000WAVEfmt ')])).toThrow(/not an FLV/);
    const vp6 = Buffer.from(flvVideoTag('frame', Buffer.from([1]), 0, true));
    vp6[11] = 0x14;
    expect(() => parse([FLV_HEADER, vp6])).toThrow(/not H.264/);
  });
});
