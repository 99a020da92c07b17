import { clusterByDistance } from './cluster';

describe('clusterByDistance', () => {
  const at = (p: { x: number; y: number }) => p;

  it("groups points within the radius of a group's first point and leaves the others alone", () => {
    const a = { x: 0, y: 0 };
    const b = { x: 30, y: 0 };
    const c = { x: 0, y: 39 };
    const far = { x: 100, y: 100 };
    expect(clusterByDistance([a, b, far, c], at, 40)).toEqual([[a, b, c], [far]]);
  });

  it('finds a near group across a grid cell border', () => {
    const a = { x: 39, y: 39 };
    const b = { x: 41, y: 41 };
    expect(clusterByDistance([a, b], at, 40)).toEqual([[a, b]]);
  });

  it("measures from the group's first point, so a chain does not grow without end", () => {
    const pts = [0, 30, 60, 90].map((x) => ({ x, y: 0 }));
    expect(clusterByDistance(pts, at, 40)).toEqual([
      [pts[0], pts[1]],
      [pts[2], pts[3]],
    ]);
  });
});
