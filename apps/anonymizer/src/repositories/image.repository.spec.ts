import sharp from 'sharp';
import { ImageRepository, InputError, sniff } from './image.repository';

describe('sniff', () => {
  it('tells JPEG, PNG and MP4 from their first bytes', () => {
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniff(Buffer.from('\0\0\0\x20ftypisom\0\0\0\0', 'latin1'))).toBe('mp4');
    expect(sniff(Buffer.from('{"name":"x"}'))).toBeUndefined();
  });
});

describe('ImageRepository', () => {
  const repo = new ImageRepository(1_000_000);

  it('decodes to RGB and encodes back without metadata', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: 'secret place' } } })
      .toBuffer();
    const img = await repo.decode(jpeg);
    expect([img.frame.width, img.frame.height, img.channels, img.format]).toEqual([40, 30, 3, 'jpeg']);
    const out = await repo.encode(img.frame, img.channels, 'png');
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.exif]).toEqual(['png', 40, undefined]);
  });

  it('refuses truncated, non-image and too large input', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    await expect(repo.decode(jpeg.subarray(0, jpeg.length / 2))).rejects.toThrow(InputError);
    await expect(repo.decode(Buffer.from('hello'))).rejects.toThrow('not a JPEG or PNG image');
    const big = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#888' } })
      .png()
      .toBuffer();
    await expect(repo.decode(big)).rejects.toThrow(/2000x1000, larger than the 1000000 pixels allowed/);
  });
});
