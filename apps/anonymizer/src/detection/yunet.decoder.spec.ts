import { decodeYunet } from './yunet.decoder';
import type { OutputTensors } from './detection.types';

/** Zeroed YuNet outputs for a width x height input. */
function outputs(width: number, height: number): OutputTensors & Record<string, { data: Float32Array }> {
  const out: Record<string, { data: Float32Array; dims: number[] }> = {};
  for (const s of [8, 16, 32]) {
    const n = (width / s) * (height / s);
    out[`cls_${s}`] = { data: new Float32Array(n), dims: [1, n, 1] };
    out[`obj_${s}`] = { data: new Float32Array(n), dims: [1, n, 1] };
    out[`bbox_${s}`] = { data: new Float32Array(n * 4), dims: [1, n, 4] };
    out[`kps_${s}`] = { data: new Float32Array(n * 10), dims: [1, n, 10] };
  }
  return out;
}

describe('decodeYunet', () => {
  it('decodes a cell: score sqrt(cls*obj), centre (col+dx, row+dy)*stride, size exp(d)*stride', () => {
    const out = outputs(64, 32);
    // stride 8: 8 columns x 4 rows; cell row 1, column 2.
    const i = 1 * 8 + 2;
    out.cls_8.data[i] = 0.81;
    out.obj_8.data[i] = 1;
    out.bbox_8.data.set([0.5, 0.5, Math.log(2), Math.log(3)], i * 4);
    const dets = decodeYunet(out, 64, 32, 0.5);
    expect(dets).toHaveLength(1);
    expect(dets[0].score).toBeCloseTo(0.9, 5);
    [12, 0, 28, 24].forEach((v, k) => expect(dets[0].box[k]).toBeCloseTo(v, 4));
  });

  it('uses each stride with its own grid', () => {
    const out = outputs(64, 64);
    // stride 32: 2x2 cells; bottom-right cell, no offset, exp(0) = 1 stride.
    out.cls_32.data[3] = 1;
    out.obj_32.data[3] = 1;
    const dets = decodeYunet(out, 64, 64, 0.5);
    expect(dets).toEqual([{ box: [16, 16, 48, 48], score: 1 }]);
  });

  it('clamps cls and obj to 0..1 and drops scores under the threshold', () => {
    const out = outputs(32, 32);
    out.cls_8.data[0] = 1.7;
    out.obj_8.data[0] = 0.25; // sqrt(1 * 0.25) = 0.5
    out.cls_8.data[1] = 0.2;
    out.obj_8.data[1] = -3; // 0
    out.cls_8.data[2] = 0.09;
    out.obj_8.data[2] = 1; // 0.3
    const scores = decodeYunet(out, 32, 32, 0.3).map((d) => d.score);
    expect(scores.map((s) => Math.round(s * 1000) / 1000)).toEqual([0.5, 0.3]);
  });

  it('refuses outputs that do not match the input size', () => {
    expect(() => decodeYunet(outputs(64, 64), 64, 32, 0.5)).toThrow(/stride 8 has 64 cells, expected 32/);
    const out = outputs(32, 32);
    delete (out as Record<string, unknown>).obj_16;
    expect(() => decodeYunet(out, 32, 32, 0.5)).toThrow(/stride 16 is missing/);
  });
});
