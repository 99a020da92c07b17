/**
 * A 5x7 bitmap font drawn straight into the luma plane of a yuv420p frame: enough for watermarks
 * (viewer, organisation, time) and notices, without fonts on disk or an RGB round trip.
 * Each glyph is 7 rows of 5 bits, most significant bit on the left. Lower case draws as upper case.
 */
const GLYPHS: Record<string, number[]> = {
  ' ': [0, 0, 0, 0, 0, 0, 0],
  A: [14, 17, 17, 31, 17, 17, 17],
  B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14],
  D: [30, 17, 17, 17, 17, 17, 30],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15],
  H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17],
  N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30],
  T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4],
  Z: [31, 1, 2, 4, 8, 16, 31],
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  '-': [0, 0, 0, 31, 0, 0, 0],
  '.': [0, 0, 0, 0, 0, 12, 12],
  ':': [0, 12, 12, 0, 12, 12, 0],
  '/': [1, 1, 2, 4, 8, 16, 16],
  '@': [14, 17, 1, 13, 21, 21, 14],
  _: [0, 0, 0, 0, 0, 0, 31],
  '(': [2, 4, 8, 8, 8, 4, 2],
  ')': [8, 4, 2, 2, 2, 4, 8],
  ',': [0, 0, 0, 0, 12, 4, 8],
  '+': [0, 4, 4, 31, 4, 4, 0],
  '!': [4, 4, 4, 4, 4, 0, 4],
  '?': [14, 17, 1, 2, 4, 0, 4],
  '#': [10, 10, 31, 10, 31, 10, 10],
  '=': [0, 0, 31, 0, 31, 0, 0],
  "'": [4, 4, 8, 0, 0, 0, 0],
};
const UNKNOWN = [31, 17, 17, 17, 17, 17, 31];

/** Glyph rows for one character (accents dropped: Č -> C, ł -> L). */
export function glyph(ch: string): number[] {
  const plain = ch
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/, 'L')
    .toUpperCase();
  return GLYPHS[plain] ?? UNKNOWN;
}

export interface TextStyle {
  /** Pixels per font dot. */
  scale: number;
  fg: number;
  bg: number;
  /** Background margin in font dots. */
  pad: number;
}

const DEFAULT_STYLE: TextStyle = { scale: 2, fg: 235, bg: 16, pad: 2 };

/** Size in pixels of `text` drawn with `style`. */
export function textSize(text: string, style: Partial<TextStyle> = {}): { width: number; height: number } {
  const s = { ...DEFAULT_STYLE, ...style };
  return { width: ([...text].length * 6 - 1 + 2 * s.pad) * s.scale, height: (7 + 2 * s.pad) * s.scale };
}

/**
 * Draws `text` on a box at (x, y) into a yuv420p frame, clipped to the frame; the box's chroma is
 * set to grey so the text reads the same on any picture.
 */
export function drawTextI420(frame: Uint8Array, width: number, height: number, x: number, y: number, text: string, style: Partial<TextStyle> = {}): void {
  const s = { ...DEFAULT_STYLE, ...style };
  const size = textSize(text, s);
  const x0 = Math.max(0, Math.floor(x)) & ~1;
  const y0 = Math.max(0, Math.floor(y)) & ~1;
  const x1 = Math.min(width, x0 + size.width);
  const y1 = Math.min(height, y0 + size.height);
  if (x1 <= x0 || y1 <= y0) return;
  for (let row = y0; row < y1; row++) frame.fill(s.bg, row * width + x0, row * width + x1);
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const uOff = width * height;
  const vOff = uOff + cw * ch;
  for (let row = y0 >> 1; row < (y1 + 1) >> 1; row++) {
    frame.fill(128, uOff + row * cw + (x0 >> 1), uOff + row * cw + ((x1 + 1) >> 1));
    frame.fill(128, vOff + row * cw + (x0 >> 1), vOff + row * cw + ((x1 + 1) >> 1));
  }
  let cx = x0 + s.pad * s.scale;
  const cy = y0 + s.pad * s.scale;
  for (const c of text) {
    const rows = glyph(c);
    for (let gy = 0; gy < 7; gy++) {
      for (let gx = 0; gx < 5; gx++) {
        if (!((rows[gy] >> (4 - gx)) & 1)) continue;
        for (let dy = 0; dy < s.scale; dy++) {
          const py = cy + gy * s.scale + dy;
          if (py >= y1) break;
          const px = cx + gx * s.scale;
          const end = Math.min(x1, px + s.scale);
          if (px < end) frame.fill(s.fg, py * width + px, py * width + end);
        }
      }
    }
    cx += 6 * s.scale;
    if (cx >= x1) break;
  }
}
