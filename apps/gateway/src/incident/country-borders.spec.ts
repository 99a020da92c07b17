import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CountryBorders } from './country-borders';

const circle = (lon: number, lat: number, radiusMeters: number) => ({ type: 'Circle' as const, center: [lon, lat] as [number, number], radiusMeters });

describe('country borders (Natural Earth 1:10m from world-atlas)', () => {
  const borders = CountryBorders.load();

  it.each([
    ['Jeseník, Masarykovo náměstí', 17.2047, 50.2293, 'CZ'],
    // At 1:10m (about 1 km along the border) the demo camera of the Mikulovice crossing, registered as
    // Czech, lies a few hundred metres into Poland: a camera "just across the border".
    ['the Mikulovice crossing camera', 17.3253, 50.3017, 'PL'],
    ['Głuchołazy, Rynek', 17.3841, 50.3133, 'PL'],
    ['Nysa, Rynek', 17.334, 50.4737, 'PL'],
    ['Bratislava', 17.1077, 48.1486, 'SK'],
    ['the Baltic sea', 18.5, 55.5, null],
  ])('puts %s in %s', (_where, lon, lat, country) => {
    expect(borders.countryAt(lon, lat)).toBe(country);
  });

  it.each([
    ['a circle around Jeseník square', circle(17.2047, 50.2293, 1500), ['CZ']],
    ['a circle around Nysa', circle(17.334, 50.4737, 3000), ['PL']],
    ['a circle on the Mikulovice - Głuchołazy crossing', circle(17.335, 50.305, 2000), ['CZ', 'PL']],
    [
      'the Bělá / Biała valley polygon',
      {
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
      },
      ['CZ', 'PL'],
    ],
    [
      'a thin polygon whose vertices are all in CZ but whose edge crosses into PL',
      {
        type: 'Polygon' as const,
        coordinates: [
          [
            [17.2, 50.3],
            [17.6, 50.2],
            [17.6, 50.19],
            [17.2, 50.29],
            [17.2, 50.3],
          ],
        ],
      },
      ['CZ', 'PL'],
    ],
    ['a circle in the sea', circle(18.5, 55.5, 1000), []],
  ])('finds the countries of %s', (_what, area, countries) => {
    expect(borders.countriesOf(area)).toEqual(countries);
  });

  it('takes another GeoJSON file with alpha-2 codes instead (incidents.bordersFile)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-borders-'));
    try {
      const file = join(dir, 'borders.geojson');
      // Two made-up countries split at longitude 17.3.
      const square = (west: number, east: number) => ({
        type: 'Polygon',
        coordinates: [
          [
            [west, 50],
            [east, 50],
            [east, 51],
            [west, 51],
            [west, 50],
          ],
        ],
      });
      writeFileSync(
        file,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { country: 'XA' }, geometry: square(17, 17.3) },
            { type: 'Feature', properties: { ISO_A2: 'XB' }, geometry: square(17.3, 17.6) },
          ],
        }),
      );
      const custom = CountryBorders.load(file);
      expect(custom.countriesOf(circle(17.2, 50.5, 1000))).toEqual(['XA']);
      expect(custom.countriesOf(circle(17.3, 50.5, 1000))).toEqual(['XA', 'XB']);
      writeFileSync(file, '{"type":"Feature"}');
      expect(() => CountryBorders.load(file)).toThrow(/neither a GeoJSON FeatureCollection nor a TopoJSON/);
      expect(() => CountryBorders.load(join(dir, 'missing.json'))).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
