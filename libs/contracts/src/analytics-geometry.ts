/**
 * Plane geometry of analytics zones and lines, shared by the gateway (validation of what an
 * administrator draws) and the anonymizer (counting). Points are fractions of the picture (0..1).
 */
import type { AnalyticsGeometry, Point } from './analytics.contract';

export const ANALYTICS_LIMITS = { maxZones: 16, maxLines: 16, maxPolygonPoints: 32, minPolygonPoints: 3 } as const;

/** Why a drawn geometry is refused: a stable code, the zone or line it is about, and words. */
export interface GeometryProblem {
  code:
    | 'geometry_outside_picture'
    | 'geometry_self_intersecting'
    | 'geometry_too_many_points'
    | 'geometry_too_few_points'
    | 'geometry_degenerate'
    | 'geometry_duplicate_id'
    | 'geometry_too_many_items';
  target: string;
  message: string;
}

/** The problems of a zone and line configuration; empty when it can be used. */
export function geometryProblems(g: AnalyticsGeometry): GeometryProblem[] {
  const problems: GeometryProblem[] = [];
  const ids = new Set<string>();
  const dup = (id: string) => {
    if (ids.has(id)) problems.push({ code: 'geometry_duplicate_id', target: id, message: `id '${id}' is used twice` });
    ids.add(id);
  };
  if (g.zones.length > ANALYTICS_LIMITS.maxZones) problems.push({ code: 'geometry_too_many_items', target: 'zones', message: `at most ${ANALYTICS_LIMITS.maxZones} zones` });
  if (g.lines.length > ANALYTICS_LIMITS.maxLines) problems.push({ code: 'geometry_too_many_items', target: 'lines', message: `at most ${ANALYTICS_LIMITS.maxLines} lines` });
  for (const z of g.zones) {
    dup(z.id);
    const n = z.polygon.length;
    if (n > ANALYTICS_LIMITS.maxPolygonPoints) {
      problems.push({ code: 'geometry_too_many_points', target: z.id, message: `zone '${z.id}' has ${n} points, at most ${ANALYTICS_LIMITS.maxPolygonPoints} are allowed` });
      continue;
    }
    if (n < ANALYTICS_LIMITS.minPolygonPoints) {
      problems.push({ code: 'geometry_too_few_points', target: z.id, message: `zone '${z.id}' needs at least 3 points` });
      continue;
    }
    if (!z.polygon.every(inPicture)) {
      problems.push({ code: 'geometry_outside_picture', target: z.id, message: `zone '${z.id}' has points outside the picture (coordinates are fractions 0..1)` });
      continue;
    }
    if (selfIntersects(z.polygon)) {
      problems.push({ code: 'geometry_self_intersecting', target: z.id, message: `zone '${z.id}' crosses itself` });
      continue;
    }
    if (Math.abs(polygonArea(z.polygon)) < 1e-6) problems.push({ code: 'geometry_degenerate', target: z.id, message: `zone '${z.id}' has no area` });
  }
  for (const l of g.lines) {
    dup(l.id);
    if (!inPicture(l.a) || !inPicture(l.b)) {
      problems.push({ code: 'geometry_outside_picture', target: l.id, message: `line '${l.id}' has ends outside the picture (coordinates are fractions 0..1)` });
      continue;
    }
    if (Math.hypot(l.b[0] - l.a[0], l.b[1] - l.a[1]) < 0.01)
      problems.push({ code: 'geometry_degenerate', target: l.id, message: `line '${l.id}' is shorter than 1% of the picture` });
  }
  return problems;
}

function inPicture(p: Point): boolean {
  return p.length === 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]) && p[0] >= 0 && p[0] <= 1 && p[1] >= 0 && p[1] <= 1;
}

/** Signed area (shoelace). */
export function polygonArea(poly: Point[]): number {
  let a = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) a += poly[j][0] * poly[i][1] - poly[i][0] * poly[j][1];
  return a / 2;
}

/** Whether two edges that do not share a corner touch or cross. */
export function selfIntersects(poly: Point[]): boolean {
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const a1 = poly[i],
      a2 = poly[(i + 1) % n];
    for (let j = i + 1; j < n; j++) {
      // Neighbouring edges share a corner by construction.
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsIntersect(a1, a2, poly[j], poly[(j + 1) % n])) return true;
    }
  }
  return false;
}

/** Cross product of (b - a) and (c - a): > 0 when c lies to the right of a->b with y pointing down. */
export function side(a: Point, b: Point, c: Point): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/** Whether segments p1-p2 and q1-q2 touch or cross (collinear overlaps included). */
export function segmentsIntersect(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = side(q1, q2, p1),
    d2 = side(q1, q2, p2),
    d3 = side(p1, p2, q1),
    d4 = side(p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (a: Point, b: Point, c: Point) => Math.min(a[0], b[0]) <= c[0] && c[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= c[1] && c[1] <= Math.max(a[1], b[1]);
  return (d1 === 0 && on(q1, q2, p1)) || (d2 === 0 && on(q1, q2, p2)) || (d3 === 0 && on(p1, p2, q1)) || (d4 === 0 && on(p1, p2, q2));
}

/** Even-odd rule. */
export function pointInPolygon(p: Point, poly: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i],
      [xj, yj] = poly[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
