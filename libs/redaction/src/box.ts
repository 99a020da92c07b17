/** A box in one frame's pixels: [x1, y1, x2, y2] (x2, y2 exclusive edges, may be fractional). */
export type Box = [number, number, number, number];

export type RedactionMethod = 'blur' | 'pixelate' | 'fill';

export interface RedactOptions {
  method: RedactionMethod;
  /** Margin added on every side of each box, as a fraction of the box's width and height. */
  padding: number;
}

/** An integer pixel rectangle [x1, y1, x2, y2) inside the frame. */
export type Rect = [number, number, number, number];

/** The box grown by `padding` (fraction of its size) and clipped to the frame; null when nothing is left. */
export function padBox(box: Box, padding: number, width: number, height: number): Rect | null {
  const [x1, y1, x2, y2] = box;
  if (![x1, y1, x2, y2].every(Number.isFinite)) return null;
  const px = Math.max(0, x2 - x1) * padding;
  const py = Math.max(0, y2 - y1) * padding;
  const r: Rect = [Math.max(0, Math.floor(x1 - px)), Math.max(0, Math.floor(y1 - py)), Math.min(width, Math.ceil(x2 + px)), Math.min(height, Math.ceil(y2 + py))];
  return r[2] > r[0] && r[3] > r[1] ? r : null;
}

/** Boxes detected on a w x h copy, mapped to a W x H frame. */
export function scaleBoxes(boxes: Box[], fromWidth: number, fromHeight: number, toWidth: number, toHeight: number): Box[] {
  const sx = toWidth / fromWidth;
  const sy = toHeight / fromHeight;
  return boxes.map(([x1, y1, x2, y2]) => [x1 * sx, y1 * sy, x2 * sx, y2 * sy]);
}

export function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Box, b: Box): number {
  const i = intersection(a, b);
  return i === 0 ? 0 : i / (boxArea(a) + boxArea(b) - i);
}

/**
 * Side of the averaging cells for a region: about 1/8 of its longer side, rounded up to a power of
 * two (at least `min`), so a face or plate keeps at most 8 cells across and the grid stays fixed to
 * the frame as the box moves (moving grids would let frames be combined into more detail).
 */
export function cellSize(rect: Rect, min = 8): number {
  const side = Math.max(rect[2] - rect[0], rect[3] - rect[1]);
  let cell = min;
  while (cell * 8 < side) cell *= 2;
  return cell;
}

/** The box grown by `fraction` of its width and height on every side. */
export function growBox(b: Box, fraction: number): Box {
  const gx = (b[2] - b[0]) * fraction;
  const gy = (b[3] - b[1]) * fraction;
  return [b[0] - gx, b[1] - gy, b[2] + gx, b[3] + gy];
}
