import sharp from 'sharp';
import type { BorderlensConfig } from '@borderlens/config';
import type { RawFrame } from '../frame';

export type ImageFormat = 'jpeg' | 'png';

/** Input the anonymizer refuses: not an image it reads, truncated, too large. Its message is for the user. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface DecodedImage {
  frame: RawFrame;
  /** Interleaved channels of frame.data: 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  format: ImageFormat;
}

/** Kind of a file from its first bytes (never from its name). */
export function sniff(head: Uint8Array): ImageFormat | 'mp4' | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b)) return 'png';
  if (head.length >= 12 && String.fromCharCode(...head.subarray(4, 8)) === 'ftyp') return 'mp4';
  return undefined;
}

/** Decodes and encodes still images with sharp (libvips). */
export class ImageRepository {
  constructor(private readonly maxPixels: number) {}

  /** The repository with the configured pixel limit (the Nest provider's factory; the CLI uses it too). */
  static fromConfig(this: void, cfg: BorderlensConfig): ImageRepository {
    return new ImageRepository(cfg.anonymizer.maxPixels);
  }

  /**
   * JPEG or PNG to RGB(A), upright (EXIF orientation applied, so coordinates are those of the picture
   * as shown). Truncated or corrupt data fails (sharp's failOn 'warning'), as does a picture larger
   * than maxPixels.
   */
  async decode(input: Buffer): Promise<DecodedImage> {
    const format = sniff(input);
    if (format !== 'jpeg' && format !== 'png') throw new InputError('not a JPEG or PNG image');
    try {
      const meta = await sharp(input, { limitInputPixels: false }).metadata();
      if ((meta.width ?? 0) * (meta.height ?? 0) > this.maxPixels) {
        throw new InputError(`image is ${meta.width}x${meta.height}, larger than the ${this.maxPixels} pixels allowed`);
      }
      const { data, info } = await sharp(input, { failOn: 'warning', limitInputPixels: this.maxPixels }).rotate().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      if (info.channels !== 3 && info.channels !== 4) throw new InputError(`unsupported image with ${info.channels} channels`);
      const frame: RawFrame = {
        format: info.channels === 4 ? 'rgba' : 'rgb',
        width: info.width,
        height: info.height,
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      };
      return { frame, channels: info.channels, format };
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`cannot decode ${format.toUpperCase()}: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** Encodes RGB(A) pixels; no metadata is carried over (EXIF may hold places and serial numbers). */
  async encode(frame: RawFrame, channels: 3 | 4, format: ImageFormat): Promise<Buffer> {
    const img = sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.length), { raw: { width: frame.width, height: frame.height, channels } });
    return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 90, mozjpeg: false }).toBuffer();
  }
}
