/**
 * Exponential back-off with jitter for reconnecting to cameras: min, 2*min, 4*min ... capped at
 * max, each wait shortened by up to `jitter` so cameras that dropped together do not reconnect in
 * lockstep.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly jitter = 0.2,
    private readonly random: () => number = Math.random,
  ) {
    if (minMs <= 0 || maxMs < minMs) throw new RangeError(`invalid back-off range ${minMs}..${maxMs} ms`);
  }

  get attempts(): number {
    return this.failures;
  }

  /** The wait before the next attempt; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  reset(): void {
    this.failures = 0;
  }
}
