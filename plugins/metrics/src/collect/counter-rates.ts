/**
 * Turns cumulative counters into per-second rates. The first value of a counter, a counter
 * that went backwards (reset, device replaced) and a zero interval give NaN: absent, never 0.
 */
export class CounterRates {
  private readonly last = new Map<string, { value: number; at: number }>();
  private seen = new Set<string>();

  /** Rate of counter `key` now at `value` (epoch ms `at`), per second. */
  rate(key: string, value: number | undefined, at: number): number {
    if (value === undefined || !Number.isFinite(value)) return Number.NaN;
    this.seen.add(key);
    const prev = this.last.get(key);
    this.last.set(key, { value, at });
    if (!prev || at <= prev.at || value < prev.value) return Number.NaN;
    return (value - prev.value) / ((at - prev.at) / 1000);
  }

  /** Forgets counters not seen since the previous sweep (interfaces and disks that went away). */
  sweep(): void {
    for (const key of this.last.keys()) if (!this.seen.has(key)) this.last.delete(key);
    this.seen = new Set();
  }
}
