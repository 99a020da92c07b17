import type { IncidentArea } from '@borderlens/database';

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres between two [lon, lat] points (haversine). */
export function distanceMeters([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Even-odd ray casting on one ring; fine at the scale of an incident area (a few km). */
export function inRing(lon: number, lat: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a camera at (lat, lon) lies in the area. GeoJSON order: [lon, lat]; holes exclude. */
export function areaContains(area: IncidentArea, lat: number, lon: number): boolean {
  if (area.type === 'Circle') return distanceMeters(area.center, [lon, lat]) <= area.radiusMeters;
  const [outer, ...holes] = area.coordinates;
  return inRing(lon, lat, outer) && !holes.some((h) => inRing(lon, lat, h));
}

/**
 * The area's outline as a closed ring of [lon, lat]: a polygon's outer ring, or a circle as a polygon of
 * `sides` vertices on its circumference (with 128 sides the chord lies within 0.03% of the radius).
 */
export function areaRing(area: IncidentArea, sides = 128): number[][] {
  if (area.type === 'Polygon') return area.coordinates[0];
  const [lon0, lat0] = area.center.map(rad);
  const d = area.radiusMeters / EARTH_RADIUS_M;
  const ring: number[][] = [];
  for (let k = 0; k < sides; k++) {
    const bearing = (2 * Math.PI * k) / sides;
    const lat = Math.asin(Math.sin(lat0) * Math.cos(d) + Math.cos(lat0) * Math.sin(d) * Math.cos(bearing));
    const lon = lon0 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(lat0), Math.cos(d) - Math.sin(lat0) * Math.sin(lat));
    ring.push([(lon * 180) / Math.PI, (lat * 180) / Math.PI]);
  }
  ring.push(ring[0]);
  return ring;
}

/** A point inside the area (the circle's centre, or the outer ring's vertex average), e.g. to find its country. */
export function areaCentre(area: IncidentArea): [number, number] {
  if (area.type === 'Circle') return area.center;
  const ring = area.coordinates[0].slice(0, -1);
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

/** Why an area is unusable, or null. Bounds keep one incident from covering a whole country by mistake. */
export function areaProblem(area: IncidentArea, maxRadiusMeters: number): string | null {
  const okPoint = (p: unknown) =>
    Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n)) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
  if (area.type === 'Circle') {
    if (!okPoint(area.center)) return 'area.center must be [longitude, latitude]';
    if (!(area.radiusMeters > 0 && area.radiusMeters <= maxRadiusMeters)) return `area.radiusMeters must be between 1 and ${maxRadiusMeters}`;
    return null;
  }
  if (area.type !== 'Polygon' || !Array.isArray(area.coordinates) || area.coordinates.length === 0) return 'area must be a GeoJSON Polygon or a Circle';
  for (const ring of area.coordinates) {
    if (!Array.isArray(ring) || ring.length < 4 || ring.length > 1000) return 'each polygon ring needs 4 to 1000 positions';
    if (!ring.every(okPoint)) return 'polygon positions must be [longitude, latitude]';
    const [f, l] = [ring[0], ring[ring.length - 1]];
    if (f[0] !== l[0] || f[1] !== l[1]) return 'polygon rings must be closed (first position = last)';
  }
  const centre = areaCentre(area);
  if (area.coordinates[0].some((p) => distanceMeters(centre, p as [number, number]) > maxRadiusMeters)) return `the area must fit within ${maxRadiusMeters} m of its centre`;
  return null;
}
