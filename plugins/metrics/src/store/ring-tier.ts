/** How an absent value is stored: +0, the bits of a zeroed buffer. */
const ABSENT = 0;

/**
 * What `v` is stored as: NaN/undefined (absent) → +0; any value that is zero as a 32-bit float
 * (0, -0, or too small for Float32) → -0; else `v` (rounded to 32 bits on store).
 */
const encode = (v: number | undefined): number => {
  if (v === undefined || Number.isNaN(v)) return ABSENT;
  return Math.fround(v) === 0 ? -0 : v;
};

/**
 * A fixed-size ring of time buckets in one Float32Array: bucket `b` (an integer count of
 * `stepMs` since the epoch) lives in slot `b % capacity`, with `fields` numbers per slot
 * (1 for raw samples; 3 for min/avg/max), `stride` numbers apart (`fields` for a ring of its
 * own; wider when rings of several series are interleaved slot by slot: see
 * {@link takeColumnTiers}). An absent value is stored as +0 (all bits zero) and a
 * real zero as -0, so a fresh (zeroed) buffer is all absent without being written: its pages
 * stay untouched, and the host's memory grows only as history arrives (75 series start at ~0
 * instead of 3.1 MB filled with NaN). Buckets skipped over when the head advances are cleared
 * to absent, so a gap reads as absent, never as zero. {@link get} answers NaN for absent.
 */
export class RingTier {
  /** The stored values, `fields` per slot (+0 absent, -0 a zero): read them with {@link get}. */
  readonly data: Float32Array;
  /** Newest bucket written (-Infinity before the first write). */
  head = Number.NEGATIVE_INFINITY;

  /**
   * `data`/`offset`/`stride`: hold the values in a larger buffer shared with other rings, slot
   * `s` at `offset + s × stride` (`fields` numbers each, zeroed there, as a new typed array is);
   * else in a buffer of its own.
   */
  constructor(
    readonly stepMs: number,
    readonly capacity: number,
    readonly fields: number,
    data?: Float32Array,
    readonly offset = 0,
    readonly stride = fields,
  ) {
    this.data = data ?? new Float32Array(capacity * fields);
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
    const at = this.offset + this.slot(b) * this.stride;
    for (let f = 0; f < this.fields; f++) this.data[at + f] = encode(values[f]);
  }

  /** Field `f` of bucket `b`, NaN when absent or outside the window. */
  get(b: number, f = 0): number {
    if (!this.holds(b)) return Number.NaN;
    const v = this.data[this.offset + this.slot(b) * this.stride + f] ?? ABSENT;
    // +0 is absent, -0 a real zero (answered as 0).
    return v !== 0 ? v : 1 / v > 0 ? Number.NaN : 0;
  }

  private slot(b: number): number {
    return ((b % this.capacity) + this.capacity) % this.capacity;
  }

  private advance(b: number): void {
    if (this.head === Number.NEGATIVE_INFINITY) {
      // Nothing written yet: the (zeroed) region is all absent already; leave its pages untouched.
    } else if (b - this.head >= this.capacity) {
      if (this.stride === this.fields)
        this.data.fill(ABSENT, this.offset, this.offset + this.capacity * this.fields);
      else for (let s = 0; s < this.capacity; s++) this.clear(s);
    } else {
      for (let g = this.head + 1; g < b; g++) this.clear(this.slot(g));
      this.clear(this.slot(b));
    }
    this.head = b;
  }

  /** Marks slot `s` absent. */
  private clear(s: number): void {
    const at = this.offset + s * this.stride;
    this.data.fill(ABSENT, at, at + this.fields);
  }
}
