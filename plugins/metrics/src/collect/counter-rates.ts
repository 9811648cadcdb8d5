/** One counter's previous reading; `sweep` is the sweep it was last seen in. */
interface Reading {
  value: number;
  at: number;
  sweep: number;
}

/**
 * Turns cumulative counters into per-second rates. The first value of a counter, a counter
 * that went backwards (reset, device replaced) and a zero interval give NaN: absent, never 0.
 * Each counter's reading is updated in place (nothing allocated per counter per collection).
 */
export class CounterRates {
  private readonly last = new Map<string, Reading>();
  private sweeps = 0;

  /** Rate of counter `key` now at `value` (epoch ms `at`), per second. */
  rate(key: string, value: number | undefined, at: number): number {
    if (value === undefined || !Number.isFinite(value)) return Number.NaN;
    const prev = this.last.get(key);
    if (prev === undefined) {
      this.last.set(key, { value, at, sweep: this.sweeps });
      return Number.NaN;
    }
    const { value: v0, at: t0 } = prev;
    prev.value = value;
    prev.at = at;
    prev.sweep = this.sweeps;
    if (at <= t0 || value < v0) return Number.NaN;
    return (value - v0) / ((at - t0) / 1000);
  }

  /** Forgets counters not seen since the previous sweep (interfaces and disks that went away). */
  sweep(): void {
    for (const [key, r] of this.last) if (r.sweep !== this.sweeps) this.last.delete(key);
    this.sweeps++;
  }
}
