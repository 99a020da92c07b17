/**
 * Redaction of one 8-bit channel inside a rectangle, in place. A "plane" is addressed by an offset,
 * a row stride and a pixel stride, so the same code serves yuv420p planes and interleaved RGB(A).
 *
 * Pixelate and blur both first replace the rectangle by averages over cells of a grid fixed to the
 * frame: detail finer than a cell is gone for good (irreversible). Blur then smooths those averages
 * with a Gaussian kernel and interpolates them back bilinearly, so it looks like a blur without
 * being an invertible convolution of the original pixels.
 */
export interface Plane {
  data: Uint8Array;
  offset: number;
  rowStride: number;
  pixStride: number;
}

/** Cell averages over the rectangle [x1,x2) x [y1,y2), cells aligned to multiples of `cell`. */
function cellAverages(p: Plane, x1: number, y1: number, x2: number, y2: number, cell: number): { grid: Float32Array; gx0: number; gy0: number; cols: number; rows: number } {
  const gx0 = Math.floor(x1 / cell);
  const gy0 = Math.floor(y1 / cell);
  const cols = Math.floor((x2 - 1) / cell) - gx0 + 1;
  const rows = Math.floor((y2 - 1) / cell) - gy0 + 1;
  const grid = new Float32Array(cols * rows);
  const { data, offset, rowStride, pixStride } = p;
  // Row by row (memory order), each row's cell sums added to its grid row; sums are exact integers.
  const sums = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const ya = Math.max(y1, (gy0 + r) * cell);
    const yb = Math.min(y2, (gy0 + r + 1) * cell);
    sums.fill(0);
    for (let y = ya; y < yb; y++) {
      const line = offset + y * rowStride;
      for (let c = 0; c < cols; c++) {
        const xa = Math.max(x1, (gx0 + c) * cell);
        const xb = Math.min(x2, (gx0 + c + 1) * cell);
        let sum = 0;
        for (let i = line + xa * pixStride, end = line + xb * pixStride; i < end; i += pixStride) sum += data[i];
        sums[c] += sum;
      }
    }
    for (let c = 0; c < cols; c++) {
      const xa = Math.max(x1, (gx0 + c) * cell);
      const xb = Math.min(x2, (gx0 + c + 1) * cell);
      grid[r * cols + c] = sums[c] / ((yb - ya) * (xb - xa));
    }
  }
  return { grid, gx0, gy0, cols, rows };
}

export function pixelatePlane(p: Plane, x1: number, y1: number, x2: number, y2: number, cell: number): void {
  if (x2 <= x1 || y2 <= y1) return;
  const { grid, gx0, gy0, cols } = cellAverages(p, x1, y1, x2, y2, cell);
  const { data, offset, rowStride, pixStride } = p;
  if (pixStride === 1) {
    // Every row of a cell row is the same: built once, then copied (memcpy) into each row.
    const pattern = new Uint8Array(x2 - x1);
    let built = -1;
    for (let y = y1; y < y2; y++) {
      const r = Math.floor(y / cell) - gy0;
      if (r !== built) {
        for (let c = 0; c < cols; c++) {
          const xa = Math.max(x1, (gx0 + c) * cell);
          const xb = Math.min(x2, (gx0 + c + 1) * cell);
          pattern.fill(Math.round(grid[r * cols + c]), xa - x1, xb - x1);
        }
        built = r;
      }
      data.set(pattern, offset + y * rowStride + x1);
    }
    return;
  }
  for (let y = y1; y < y2; y++) {
    const rowBase = (Math.floor(y / cell) - gy0) * cols;
    const line = offset + y * rowStride;
    for (let c = 0; c < cols; c++) {
      const v = Math.round(grid[rowBase + c]);
      const xa = Math.max(x1, (gx0 + c) * cell);
      const xb = Math.min(x2, (gx0 + c + 1) * cell);
      for (let i = line + xa * pixStride, end = line + xb * pixStride; i < end; i += pixStride) data[i] = v;
    }
  }
}

/** Separable [1 4 6 4 1]/16 smoothing of the cell grid, edges clamped. */
function smoothGrid(grid: Float32Array, cols: number, rows: number): Float32Array {
  const k = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];
  const tmp = new Float32Array(grid.length);
  const out = new Float32Array(grid.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let d = -2; d <= 2; d++) s += k[d + 2] * grid[r * cols + Math.min(cols - 1, Math.max(0, c + d))];
      tmp[r * cols + c] = s;
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let d = -2; d <= 2; d++) s += k[d + 2] * tmp[Math.min(rows - 1, Math.max(0, r + d)) * cols + c];
      out[r * cols + c] = s;
    }
  }
  return out;
}

export function blurPlane(p: Plane, x1: number, y1: number, x2: number, y2: number, cell: number): void {
  if (x2 <= x1 || y2 <= y1) return;
  const avg = cellAverages(p, x1, y1, x2, y2, cell);
  const { gx0, gy0, cols, rows } = avg;
  const grid = smoothGrid(avg.grid, cols, rows);
  // Per column: left cell index and weight of the right one, between cell centres.
  const w = x2 - x1;
  const colIdx = new Int32Array(w);
  const colFrac = new Float32Array(w);
  for (let x = x1; x < x2; x++) {
    const g = Math.min(cols - 1, Math.max(0, (x + 0.5) / cell - 0.5 - gx0));
    const c0 = Math.min(cols - 2, Math.floor(g));
    colIdx[x - x1] = Math.max(0, c0);
    colFrac[x - x1] = cols > 1 ? g - Math.max(0, c0) : 0;
  }
  const { data, offset, rowStride, pixStride } = p;
  const c1off = cols > 1 ? 1 : 0;
  for (let y = y1; y < y2; y++) {
    const g = Math.min(rows - 1, Math.max(0, (y + 0.5) / cell - 0.5 - gy0));
    const r0 = Math.max(0, Math.min(rows - 2, Math.floor(g)));
    const fy = rows > 1 ? g - r0 : 0;
    const top = r0 * cols;
    const bottom = rows > 1 ? top + cols : top;
    let i = offset + y * rowStride + x1 * pixStride;
    for (let j = 0; j < w; j++, i += pixStride) {
      const c = colIdx[j];
      const fx = colFrac[j];
      const a = grid[top + c] + (grid[top + c + c1off] - grid[top + c]) * fx;
      const b = grid[bottom + c] + (grid[bottom + c + c1off] - grid[bottom + c]) * fx;
      data[i] = a + (b - a) * fy + 0.5;
    }
  }
}

export function fillPlane(p: Plane, x1: number, y1: number, x2: number, y2: number, value: number): void {
  const { data, offset, rowStride, pixStride } = p;
  if (pixStride === 1) {
    for (let y = y1; y < y2; y++) data.fill(value, offset + y * rowStride + x1, offset + y * rowStride + x2);
    return;
  }
  for (let y = y1; y < y2; y++) {
    let i = offset + y * rowStride + x1 * pixStride;
    for (let x = x1; x < x2; x++, i += pixStride) data[i] = value;
  }
}
