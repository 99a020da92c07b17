import { i420Size } from '@borderlens/redaction';

/** Raw pixel layouts the anonymizer works on. i420 = planar yuv420p (video); the others interleaved (stills). */
export type RawFormat = 'i420' | 'rgb' | 'bgr' | 'rgba';

export interface RawFrame {
  format: RawFormat;
  width: number;
  height: number;
  data: Uint8Array;
}

export function rawFrameSize(format: RawFormat, width: number, height: number): number {
  switch (format) {
    case 'i420':
      return i420Size(width, height);
    case 'rgb':
    case 'bgr':
      return width * height * 3;
    case 'rgba':
      return width * height * 4;
  }
}

/** Throws a RangeError naming what is wrong with a frame's size or buffer. */
export function checkRawFrame(f: RawFrame): void {
  if (!Number.isInteger(f.width) || !Number.isInteger(f.height) || f.width < 1 || f.height < 1) {
    throw new RangeError(`invalid frame size ${f.width}x${f.height}`);
  }
  const need = rawFrameSize(f.format, f.width, f.height);
  if (f.data.length !== need) throw new RangeError(`${f.format} frame ${f.width}x${f.height} needs ${need} bytes, got ${f.data.length}`);
}
