import { readFileSync } from 'node:fs';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { IncidentArea } from '@borderlens/database';
import { areaRing, inRing } from './incident-area';

/** [minLon, minLat, maxLon, maxLat] */
type Bbox = [number, number, number, number];

/** One piece of a country's land: outer ring first, then holes, [lon, lat] positions. */
interface Piece {
  rings: number[][][];
  bbox: Bbox;
}

/** One country's land (pieces: mainland, islands, exclaves). */
export interface CountryShape {
  country: string;
  pieces: Piece[];
}

/**
 * Natural Earth (world-atlas) names countries by ISO 3166-1 numeric code; BorderLens uses alpha-2. The
 * countries of Europe and its neighbours are listed; a deployment elsewhere configures its own borders
 * file with alpha-2 codes in `properties.country`.
 */
const NUMERIC_TO_ALPHA2: Record<string, string> = {
  '008': 'AL',
  '020': 'AD',
  '040': 'AT',
  '056': 'BE',
  '070': 'BA',
  '100': 'BG',
  '112': 'BY',
  '191': 'HR',
  '196': 'CY',
  '203': 'CZ',
  '208': 'DK',
  '233': 'EE',
  '246': 'FI',
  '250': 'FR',
  '276': 'DE',
  '300': 'GR',
  '336': 'VA',
  '348': 'HU',
  '352': 'IS',
  '372': 'IE',
  '380': 'IT',
  '428': 'LV',
  '438': 'LI',
  '440': 'LT',
  '442': 'LU',
  '470': 'MT',
  '492': 'MC',
  '498': 'MD',
  '499': 'ME',
  '528': 'NL',
  '578': 'NO',
  '616': 'PL',
  '620': 'PT',
  '642': 'RO',
  '643': 'RU',
  '674': 'SM',
  '688': 'RS',
  '703': 'SK',
  '705': 'SI',
  '724': 'ES',
  '752': 'SE',
  '756': 'CH',
  '792': 'TR',
  '804': 'UA',
  '807': 'MK',
  '826': 'GB',
};

const DEFAULT_FILE = 'world-atlas/countries-10m.json';

interface GeoFeature {
  id?: string | number;
  properties?: Record<string, unknown> | null;
  geometry?: { type: string; coordinates: unknown } | null;
}

/**
 * Where the countries are: gives an incident area its countries (an area within one country gets that
 * country; one that touches several is a cross-border incident). Loaded once from a GeoJSON or TopoJSON
 * file (default: Natural Earth 1:10m, about 1 km accuracy along the border, from world-atlas).
 */
export class CountryBorders {
  constructor(
    readonly shapes: CountryShape[],
    readonly source: string,
  ) {}

  /** The shipped Natural Earth borders, or those of `file` (GeoJSON FeatureCollection or TopoJSON). */
  static load(file?: string): CountryBorders {
    const path = file || require.resolve(DEFAULT_FILE);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`incidents.bordersFile: cannot read ${path}: ${(e as Error).message}`);
    }
    const borders = CountryBorders.fromJson(data, path);
    if (borders.shapes.length === 0) throw new Error(`incidents.bordersFile: ${path} holds no country with a recognisable ISO 3166-1 code`);
    return borders;
  }

  static fromJson(data: unknown, source: string): CountryBorders {
    const d = data as { type?: string; objects?: Record<string, unknown>; features?: GeoFeature[] };
    let features: GeoFeature[];
    if (d?.type === 'Topology' && d.objects) {
      const topology = d as unknown as Topology;
      const name = 'countries' in topology.objects ? 'countries' : Object.keys(topology.objects)[0];
      const fc = feature(topology, topology.objects[name]) as unknown as { features?: GeoFeature[] } & GeoFeature;
      features = fc.features ?? [fc];
    } else if (d?.type === 'FeatureCollection' && Array.isArray(d.features)) {
      features = d.features;
    } else {
      throw new Error(`incidents.bordersFile: ${source} is neither a GeoJSON FeatureCollection nor a TopoJSON topology`);
    }
    const byCountry = new Map<string, number[][][][]>();
    for (const f of features) {
      const country = countryCode(f);
      if (!country || !f.geometry) continue;
      const polygons =
        f.geometry.type === 'Polygon' ? [f.geometry.coordinates as number[][][]] : f.geometry.type === 'MultiPolygon' ? (f.geometry.coordinates as number[][][][]) : [];
      if (!byCountry.has(country)) byCountry.set(country, []);
      byCountry.get(country)!.push(...polygons.filter((p) => p.length > 0 && p[0].length >= 4));
    }
    const shapes = [...byCountry]
      .filter(([, p]) => p.length > 0)
      .map(([country, polygons]) => ({ country, pieces: polygons.map((rings) => ({ rings, bbox: bboxOf([rings[0]]) })) }));
    return new CountryBorders(shapes, source);
  }

  /** The country a point lies in, or null (sea, or a country the file does not name). */
  countryAt(lon: number, lat: number): string | null {
    for (const s of this.shapes) {
      if (s.pieces.some((p) => inBbox(p.bbox, lon, lat) && inPolygon(p.rings, lon, lat))) return s.country;
    }
    return null;
  }

  /**
   * The countries whose land the area touches, sorted. A country counts when the outline's first
   * vertex lies in it, when its border crosses the outline, or when it lies inside the area whole
   * (an enclave). Holes of the area are ignored (a hole can only take countries away; ignoring it
   * errs towards "cross-border", which needs the other side's acceptance).
   */
  countriesOf(area: IncidentArea): string[] {
    const ring = areaRing(area);
    const box = bboxOf([ring]);
    const found: string[] = [];
    for (const s of this.shapes) {
      const near = s.pieces.filter((p) => bboxesMeet(p.bbox, box));
      // One vertex suffices: the outline reaches any other country only by crossing a border.
      const [lon0, lat0] = ring[0];
      const touches =
        near.some((p) => inPolygon(p.rings, lon0, lat0)) ||
        near.some((p) => p.rings.some((r) => ringsCross(r, ring, box))) ||
        near.some((p) => p.rings.some((r) => r.some(([lon, lat]) => inBbox(box, lon, lat) && inRing(lon, lat, ring))));
      if (touches) found.push(s.country);
    }
    return found.sort();
  }
}

function countryCode(f: GeoFeature): string | null {
  const p = f.properties ?? {};
  for (const key of ['country', 'ISO_A2', 'iso_a2', 'ISO_A2_EH']) {
    const v = p[key];
    if (typeof v === 'string' && /^[A-Z]{2}$/.test(v)) return v;
  }
  if (f.id !== undefined) return NUMERIC_TO_ALPHA2[String(f.id).padStart(3, '0')] ?? null;
  return null;
}

function inPolygon([outer, ...holes]: number[][][], lon: number, lat: number): boolean {
  return inRing(lon, lat, outer) && !holes.some((h) => inRing(lon, lat, h));
}

function bboxOf(rings: number[][][]): Bbox {
  const b: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of rings) {
    for (const [lon, lat] of r) {
      b[0] = Math.min(b[0], lon);
      b[1] = Math.min(b[1], lat);
      b[2] = Math.max(b[2], lon);
      b[3] = Math.max(b[3], lat);
    }
  }
  return b;
}

function inBbox(b: number[], lon: number, lat: number): boolean {
  return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}

function bboxesMeet(a: number[], b: number[]): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** Whether an edge of `border` (only those near `box`) crosses an edge of `outline`. */
function ringsCross(border: number[][], outline: number[][], box: number[]): boolean {
  for (let i = 1; i < border.length; i++) {
    const a = border[i - 1];
    const b = border[i];
    if (Math.max(a[0], b[0]) < box[0] || Math.min(a[0], b[0]) > box[2] || Math.max(a[1], b[1]) < box[1] || Math.min(a[1], b[1]) > box[3]) continue;
    for (let j = 1; j < outline.length; j++) {
      if (segmentsCross(a, b, outline[j - 1], outline[j])) return true;
    }
  }
  return false;
}

function orientation(p: number[], q: number[], r: number[]): number {
  const v = (q[1] - p[1]) * (r[0] - q[0]) - (q[0] - p[0]) * (r[1] - q[1]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function segmentsCross(p1: number[], p2: number[], q1: number[], q2: number[]): boolean {
  const o1 = orientation(p1, p2, q1);
  const o2 = orientation(p1, p2, q2);
  const o3 = orientation(q1, q2, p1);
  const o4 = orientation(q1, q2, p2);
  return o1 !== o2 && o3 !== o4;
}
