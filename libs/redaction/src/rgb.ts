import { Box, cellSize, padBox, RedactOptions } from './box';
import { blurPlane, fillPlane, pixelatePlane } from './plane';

/** Interleaved 8-bit pixels: 3 = RGB or BGR, 4 = RGBA; 1 = grey. */
export type Channels = 1 | 3 | 4;

function checkFrame(data: Uint8Array, width: number, height: number, channels: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`invalid image size ${width}x${height}`);
  }
  if (![1, 3, 4].includes(channels)) throw new RangeError(`unsupported channel count ${channels}`);
  if (data.length < width * height * channels) {
    throw new RangeError(`image ${width}x${height}x${channels} needs ${width * height * channels} bytes, got ${data.length}`);
  }
}

/**
 * Redacts `boxes` in place in an interleaved RGB/RGBA (or BGR, grey) buffer, for still images.
 * Alpha is left alone; fill paints black.
 */
export function redactRgb(data: Uint8Array, width: number, height: number, channels: Channels, boxes: Box[], opts: RedactOptions): void {
  checkFrame(data, width, height, channels);
  const colour = Math.min(channels, 3);
  for (const box of boxes) {
    const r = padBox(box, opts.padding, width, height);
    if (!r) continue;
    const cell = cellSize(r);
    for (let c = 0; c < colour; c++) {
      const plane = { data, offset: c, rowStride: width * channels, pixStride: channels };
      switch (opts.method) {
        case 'fill':
          fillPlane(plane, r[0], r[1], r[2], r[3], 0);
          break;
        case 'pixelate':
          pixelatePlane(plane, r[0], r[1], r[2], r[3], cell);
          break;
        case 'blur':
          blurPlane(plane, r[0], r[1], r[2], r[3], cell);
          break;
        default:
          throw new RangeError(`unknown redaction method '${String(opts.method)}'`);
      }
    }
  }
}

/** Masks a whole interleaved image (fail closed). */
export function maskRgb(data: Uint8Array, width: number, height: number, channels: Channels): void {
  checkFrame(data, width, height, channels);
  const colour = Math.min(channels, 3);
  for (let i = 0; i < width * height * channels; i += channels) {
    for (let c = 0; c < colour; c++) data[i + c] = 48;
  }
}
