import type { Schemas } from '../../api/types';

/** A count as the API shows it: a number, or "<N" when it is small enough to single someone out. */
export type ShownCount = number | string;
export type AnalyticsAlert = Schemas['AlertDto'];
export type Series = Schemas['SeriesDto'];
export type SeriesResponse = Schemas['SeriesResponseDto'];
export type Bucket = SeriesResponse['bucket'];
export const BUCKETS: Bucket[] = ['1m', '5m', '1h'];
export const CLASSES = ['person', 'car', 'bus', 'truck', 'motorcycle', 'bicycle'] as const;
export const VEHICLES: readonly string[] = CLASSES.filter((c) => c !== 'person');

/**
 * The sum of shown counts, still without singling anyone out: exact when every part is a number;
 * one small part alone stays "<N"; otherwise the range the small parts allow ("4–8").
 */
export function sumShown(values: ShownCount[], minCount: number): ShownCount {
  let known = 0;
  let small = 0;
  for (const v of values) {
    if (typeof v === 'number') known += v;
    else small++;
  }
  if (!small) return known;
  if (!known && small === 1) return `<${minCount}`;
  return `${known + small}–${known + small * (minCount - 1)}`;
}

/** A shown count as a number to plot: "<N" as N - 1, the most it can be (the table shows the text). */
export function plotValue(v: ShownCount | undefined, minCount: number): number | null {
  if (v === undefined) return null;
  return typeof v === 'number' ? v : Math.max(0, minCount - 1);
}

/** Persons and vehicles in a camera's zones now (zones are summed: draw them apart). */
export function personsAndVehicles(zones: { cls: string; count: ShownCount }[], minCount: number): { persons: ShownCount; vehicles: ShownCount } {
  return {
    persons: sumShown(
      zones.filter((z) => z.cls === 'person').map((z) => z.count),
      minCount,
    ),
    vehicles: sumShown(
      zones.filter((z) => VEHICLES.includes(z.cls)).map((z) => z.count),
      minCount,
    ),
  };
}
