import { Box, cellSize, padBox, RedactOptions } from './box';
import { blurPlane, fillPlane, pixelatePlane, Plane } from './plane';

/** Bytes of a yuv420p (I420) frame: a full-size Y plane, then U and V at half size (rounded up). */
export function i420Size(width: number, height: number): number {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  return width * height + 2 * cw * ch;
}

function checkFrame(data: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`invalid frame size ${width}x${height}`);
  }
  const need = i420Size(width, height);
  if (data.length < need) throw new RangeError(`I420 frame ${width}x${height} needs ${need} bytes, got ${data.length}`);
}

/** Black in video range. */
const FILL = { y: 16, u: 128, v: 128 };
/** Whole-frame mask: dark grey, so a masked picture is told apart from a black camera. */
const MASK = { y: 48, u: 128, v: 128 };

/**
 * Redacts `boxes` (in this frame's pixels) in place in a yuv420p frame, without converting to RGB.
 * Each box is padded, clipped to the frame and widened to even coordinates so luma and chroma cover
 * the same area.
 */
export function redactI420(data: Uint8Array, width: number, height: number, boxes: Box[], opts: RedactOptions): void {
  checkFrame(data, width, height);
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const yp: Plane = { data, offset: 0, rowStride: width, pixStride: 1 };
  const up: Plane = { data, offset: width * height, rowStride: cw, pixStride: 1 };
  const vp: Plane = { data, offset: width * height + cw * ch, rowStride: cw, pixStride: 1 };
  for (const box of boxes) {
    const r = padBox(box, opts.padding, width, height);
    if (!r) continue;
    const x1 = r[0] & ~1;
    const y1 = r[1] & ~1;
    const x2 = Math.min(width, r[2] + (r[2] & 1));
    const y2 = Math.min(height, r[3] + (r[3] & 1));
    const cx1 = x1 >> 1,
      cy1 = y1 >> 1,
      cx2 = (x2 + 1) >> 1,
      cy2 = (y2 + 1) >> 1;
    switch (opts.method) {
      case 'fill':
        fillPlane(yp, x1, y1, x2, y2, FILL.y);
        fillPlane(up, cx1, cy1, cx2, cy2, FILL.u);
        fillPlane(vp, cx1, cy1, cx2, cy2, FILL.v);
        break;
      case 'pixelate':
      case 'blur': {
        const cell = cellSize([x1, y1, x2, y2]);
        const apply = opts.method === 'blur' ? blurPlane : pixelatePlane;
        apply(yp, x1, y1, x2, y2, cell);
        apply(up, cx1, cy1, cx2, cy2, cell >> 1);
        apply(vp, cx1, cy1, cx2, cy2, cell >> 1);
        break;
      }
      default:
        throw new RangeError(`unknown redaction method '${String(opts.method)}'`);
    }
  }
}

/** Masks a whole yuv420p frame (fail closed: used when detection is unavailable). */
export function maskI420(data: Uint8Array, width: number, height: number): void {
  checkFrame(data, width, height);
  const ySize = width * height;
  const cSize = ((width + 1) >> 1) * ((height + 1) >> 1);
  data.fill(MASK.y, 0, ySize);
  data.fill(MASK.u, ySize, ySize + cSize);
  data.fill(MASK.v, ySize + cSize, ySize + 2 * cSize);
}
