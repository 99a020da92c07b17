import { growBox, type Box } from './box';

/** Margin added to every covering box (of its size, on every side): detector jitter between detections. */
export const COVER_GROWTH = 0.1;

function centre(b: Box): [number, number] {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

/**
 * Which detections cover frame `seq` when only every `every`-th frame is detected (offline export can
 * look ahead; live video cannot): the detection at or before it, the one after it (or the last frame's
 * at the end), and the one before those, so that a single missed detection is still covered.
 * Null while the one after has not been decoded yet.
 */
export function coveringDetections(seq: number, every: number, detected: (s: number) => boolean, finalSeq: number | null): number[] | null {
  const d1 = seq - (seq % every);
  let d2 = d1 + every;
  if (!detected(d2)) {
    if (finalSeq === null) return null;
    d2 = Math.min(d2, finalSeq);
  }
  return [d1 - every, d1, d2].filter((d, i, all) => d >= 0 && all.indexOf(d) === i);
}

/**
 * Boxes that cover a frame between detections: every box of the neighbouring detections grown by
 * COVER_GROWTH, and for a box seen before and after (the nearest after, within twice its size) the
 * hull of both positions, which covers its path in between (motion).
 */
export function coverBoxes(before: Box[], after: Box[], older: Box[] = []): Box[] {
  const out: Box[] = [...older, ...before, ...after].map((b) => growBox(b, COVER_GROWTH));
  for (const a of before) {
    const [ax, ay] = centre(a);
    const reach = 2 * Math.max(a[2] - a[0], a[3] - a[1]);
    let best: Box | undefined;
    let bestDist = Infinity;
    for (const b of after) {
      const [bx, by] = centre(b);
      const d = Math.hypot(bx - ax, by - ay);
      if (d < bestDist && d <= reach) [best, bestDist] = [b, d];
    }
    if (best) out.push(growBox([Math.min(a[0], best[0]), Math.min(a[1], best[1]), Math.max(a[2], best[2]), Math.max(a[3], best[3])], COVER_GROWTH));
  }
  return withoutContained(out);
}

/** Drops boxes lying inside another (the same pixels would be redacted twice); the area covered is unchanged. */
export function withoutContained(boxes: Box[]): Box[] {
  return boxes.filter((b, i) => !boxes.some((o, j) => j !== i && o[0] <= b[0] && o[1] <= b[1] && o[2] >= b[2] && o[3] >= b[3] && (j < i || o.some((v, k) => v !== b[k]))));
}
