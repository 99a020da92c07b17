/**
 * The small-count floor: a count from 1 to minCount - 1 is shown as "<minCount", so that a lone person
 * at a remote crossing at night cannot be singled out from the figures. Zero stays 0 (an empty bridge
 * identifies nobody). Fractions (mean occupancy) are rounded to one decimal first.
 */
export function showCount(n: number, minCount: number): number | string {
  const v = Math.round(n * 10) / 10;
  if (v <= 0) return 0;
  return v < minCount ? `<${minCount}` : v;
}
