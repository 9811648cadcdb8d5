/**
 * A fixed-size ring of time buckets in one Float32Array: bucket `b` (an integer count of
 * `stepMs` since the epoch) lives in slot `b % capacity`, with `fields` numbers per slot
 * (1 for raw samples; 3 for min/avg/max). NaN marks an absent value: buckets skipped over
 * when the head advances are cleared to NaN, so a gap reads as absent, never as zero.
 */
export class RingTier {
  /** The values, `fields` per slot. */
  readonly data: Float32Array;
  /** Newest bucket written (-Infinity before the first write). */
  head = Number.NEGATIVE_INFINITY;

  /**
   * `data`/`offset`: hold the values in a larger buffer shared with other tiers, from `offset`
   * (capacity × fields numbers); else in a buffer of its own.
   */
  constructor(
    readonly stepMs: number,
    readonly capacity: number,
    readonly fields: number,
    data?: Float32Array,
    readonly offset = 0,
  ) {
    this.data = data ?? new Float32Array(capacity * fields);
    this.data.fill(Number.NaN, offset, offset + capacity * fields);
  }

  /** Oldest bucket still held (meaningless before the first write). */
  get oldest(): number {
    return this.head - this.capacity + 1;
  }

  /** True when bucket `b` is inside the window the ring holds. */
  holds(b: number): boolean {
    return b <= this.head && b > this.head - this.capacity;
  }

  /** Writes `values` (length `fields`) into bucket `b`; older than the window is ignored. */
  put(b: number, values: ArrayLike<number>): void {
    if (b > this.head) this.advance(b);
    else if (!this.holds(b)) return;
    const at = this.offset + this.slot(b) * this.fields;
    for (let f = 0; f < this.fields; f++) this.data[at + f] = values[f] ?? Number.NaN;
  }

  /** Field `f` of bucket `b`, NaN when absent or outside the window. */
  get(b: number, f = 0): number {
    if (!this.holds(b)) return Number.NaN;
    return this.data[this.offset + this.slot(b) * this.fields + f] ?? Number.NaN;
  }

  private slot(b: number): number {
    return ((b % this.capacity) + this.capacity) % this.capacity;
  }

  private advance(b: number): void {
    if (this.head === Number.NEGATIVE_INFINITY || b - this.head >= this.capacity) {
      this.data.fill(Number.NaN, this.offset, this.offset + this.capacity * this.fields);
    } else {
      for (let g = this.head + 1; g < b; g++) {
        const at = this.offset + this.slot(g) * this.fields;
        this.data.fill(Number.NaN, at, at + this.fields);
      }
      const at = this.offset + this.slot(b) * this.fields;
      this.data.fill(Number.NaN, at, at + this.fields);
    }
    this.head = b;
  }
}
