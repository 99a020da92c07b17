import { decodeLpdYunet, lpdPriors } from './lpd-yunet.decoder';

function outputs(n: number) {
  return {
    loc: { data: new Float32Array(n * 14), dims: [n, 14] },
    conf: { data: new Float32Array(n * 2), dims: [n, 2] },
    iou: { data: new Float32Array(n), dims: [n, 1] },
  };
}

describe('lpdPriors', () => {
  it('lays out priors as the model does: maps at steps 8/16/32/64, rows, columns, min sizes', () => {
    // 320x240: 30x40 (x3 sizes), 15x20 (x2), 7x10 (x2), 3x5 (x3).
    const p = lpdPriors(320, 240);
    expect(p.length / 4).toBe(30 * 40 * 3 + 15 * 20 * 2 + 7 * 10 * 2 + 3 * 5 * 3);
    expect(Array.from(p.subarray(0, 12))).toEqual([4, 4, 10, 10, 4, 4, 16, 16, 4, 4, 24, 24]);
    // second column of the first map
    expect(Array.from(p.subarray(12, 16))).toEqual([12, 4, 10, 10]);
    // first prior of the step-16 map
    const s16 = 30 * 40 * 3 * 4;
    expect(Array.from(p.subarray(s16, s16 + 8))).toEqual([8, 8, 32, 32, 8, 8, 48, 48]);
    // last prior: step 64, row 2, column 4, size 256
    expect(Array.from(p.subarray(p.length - 4))).toEqual([4.5 * 64, 2.5 * 64, 256, 256]);
  });
});

describe('decodeLpdYunet', () => {
  const priors = lpdPriors(64, 64);
  const n = priors.length / 4;

  it('decodes the four corners with variance 0.1 and returns their bounding box', () => {
    const out = outputs(n);
    // prior 0: centre (4,4), size 10 -> corner = 4 + loc * 0.1 * 10
    out.conf.data[1] = 0.81;
    out.iou.data[0] = 1;
    out.loc.data.set([-1, -1, 2, -1], 4); // top-left (3,3), top-right (6,3)
    out.loc.data.set([2, 1.5, -1, 1], 10); // bottom-right (6,5.5), bottom-left (3,5)
    const dets = decodeLpdYunet(out, priors, 0.5);
    expect(dets).toHaveLength(1);
    expect(dets[0].score).toBeCloseTo(0.9, 5);
    expect(dets[0].box.map((v) => Math.round(v * 1000) / 1000)).toEqual([3, 3, 6, 5.5]);
  });

  it('ignores loc 0..3 and 8..9 (box and centre terms the corners replace)', () => {
    const out = outputs(n);
    out.conf.data[1] = 1;
    out.iou.data[0] = 1;
    out.loc.data.set([9, 9, 9, 9], 0);
    out.loc.data.set([9, 9], 8);
    expect(decodeLpdYunet(out, priors, 0.5)[0].box).toEqual([4, 4, 4, 4]);
  });

  it('clamps iou to 0..1 and applies the threshold', () => {
    const out = outputs(n);
    out.conf.data[3] = 0.5;
    out.iou.data[1] = 2; // sqrt(0.5 * 1)
    out.conf.data[5] = 1;
    out.iou.data[2] = -1; // 0
    const dets = decodeLpdYunet(out, priors, 0.2);
    expect(dets.map((d) => Math.round(d.score * 1000) / 1000)).toEqual([0.707]);
  });

  it('refuses outputs with another prior count', () => {
    expect(() => decodeLpdYunet(outputs(n + 1), priors, 0.5)).toThrow(/expected 235/);
  });
});
