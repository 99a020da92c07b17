import { areaContains, areaProblem, distanceMeters } from './incident-area';

// Głuchołazy – Jeseník flood area around the Biała Głuchołaska river (rough rectangle).
const valley = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [17.18, 50.21],
      [17.42, 50.21],
      [17.42, 50.33],
      [17.18, 50.33],
      [17.18, 50.21],
    ],
  ],
};

describe('incident areas', () => {
  it('measures distances on the sphere (Jeseník square to Głuchołazy square ~ 15 km)', () => {
    expect(distanceMeters([17.2047, 50.2293], [17.3841, 50.3133])).toBeGreaterThan(14_500);
    expect(distanceMeters([17.2047, 50.2293], [17.3841, 50.3133])).toBeLessThan(16_000);
  });

  it('finds cameras inside a polygon and leaves out those outside', () => {
    expect(areaContains(valley, 50.2293, 17.2047)).toBe(true); // Jeseník, Masarykovo náměstí
    expect(areaContains(valley, 50.3133, 17.3841)).toBe(true); // Głuchołazy, Rynek
    expect(areaContains(valley, 50.4737, 17.334)).toBe(false); // Nysa, Rynek
  });

  it('excludes holes', () => {
    const withHole = {
      type: 'Polygon' as const,
      coordinates: [
        ...valley.coordinates,
        [
          [17.19, 50.22],
          [17.22, 50.22],
          [17.22, 50.24],
          [17.19, 50.24],
          [17.19, 50.22],
        ],
      ],
    };
    expect(areaContains(withHole, 50.2293, 17.2047)).toBe(false);
    expect(areaContains(withHole, 50.3133, 17.3841)).toBe(true);
  });

  it('uses the radius for circles', () => {
    const circle = { type: 'Circle' as const, center: [17.2047, 50.2293] as [number, number], radiusMeters: 1000 };
    expect(areaContains(circle, 50.2336, 17.1953)).toBe(true); // ~830 m away
    expect(areaContains(circle, 50.2262, 17.1735)).toBe(false); // ~2.2 km away
  });

  it.each([
    [{ type: 'Circle', center: [17.2, 95], radiusMeters: 100 }, 'area.center'],
    [{ type: 'Circle', center: [17.2, 50.2], radiusMeters: 0 }, 'radiusMeters'],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [17, 50],
            [17.1, 50],
            [17, 50.1],
          ],
        ],
      },
      '4 to 1000',
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [17, 50],
            [17.1, 50],
            [17, 50.1],
            [17, 50.2],
          ],
        ],
      },
      'closed',
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [10, 45],
            [20, 45],
            [20, 55],
            [10, 45],
          ],
        ],
      },
      'must fit within',
    ],
    [{ type: 'LineString', coordinates: [] }, 'GeoJSON Polygon or a Circle'],
  ])('refuses an unusable area %j', (area, message) => {
    expect(areaProblem(area as never, 50_000)).toContain(message);
  });

  it('accepts a sensible area', () => {
    expect(areaProblem(valley, 50_000)).toBeNull();
  });
});
