/** A point on the screen, in pixels. */
export interface ScreenPoint {
  x: number;
  y: number;
}

/**
 * Groups items whose screen points lie within `radius` pixels of a group's first item (greedy, in
 * the order given, so the same input gives the same groups). A grid of `radius`-sized cells keeps it
 * linear: only the 3x3 cells around an item can hold a group's first item that near.
 */
export function clusterByDistance<T>(items: readonly T[], at: (item: T) => ScreenPoint, radius: number): T[][] {
  const groups: { seed: ScreenPoint; items: T[] }[] = [];
  const cells = new Map<string, number[]>();
  const cell = (x: number, y: number) => `${Math.floor(x / radius)}:${Math.floor(y / radius)}`;
  for (const item of items) {
    const p = at(item);
    const cx = Math.floor(p.x / radius);
    const cy = Math.floor(p.y / radius);
    let found: number | undefined;
    for (let dx = -1; dx <= 1 && found === undefined; dx++) {
      for (let dy = -1; dy <= 1 && found === undefined; dy++) {
        for (const g of cells.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const s = groups[g].seed;
          if ((s.x - p.x) ** 2 + (s.y - p.y) ** 2 <= radius * radius) {
            found = g;
            break;
          }
        }
      }
    }
    if (found !== undefined) groups[found].items.push(item);
    else {
      groups.push({ seed: p, items: [item] });
      const key = cell(p.x, p.y);
      (cells.get(key) ?? cells.set(key, []).get(key)!).push(groups.length - 1);
    }
  }
  return groups.map((g) => g.items);
}
