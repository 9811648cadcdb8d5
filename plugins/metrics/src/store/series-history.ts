import type { RingTier } from './ring-tier.js';
import { takeColumnTiers } from './take-column-tiers.js';
import { AVG, MAX, MIN, TIERS } from './tiers.js';

const [RAW, MINUTE, HOUR] = TIERS;
const PER_MINUTE = MINUTE.stepMs / RAW.stepMs;
const PER_HOUR = HOUR.stepMs / MINUTE.stepMs;
/** The one-field value handed to the raw tier (reused: nothing allocated per sample). */
const cell = new Float64Array(1);

/**
 * The history of one series: 1 s samples for an hour, per-minute min/avg/max for a day,
 * per-hour min/avg/max for 30 days. A sample updates its minute from the raw samples of that
 * minute, and its hour from the minutes of that hour, so a partial bucket is always
 * queryable and a restored history recomputes to the same figures. An hour's average is the
 * mean of its minutes' averages (minutes weigh the same even when one has gaps).
 */
export class SeriesHistory {
  /** The tiers' resolutions, finest first. */
  readonly specs = TIERS;
  /**
   * The tiers, finest first, one column of a block shared with other series (see
   * {@link takeColumnTiers}): pages become resident only as buckets are written, and the same
   * bucket of the block's series shares its pages — so a block's first hours cost a fraction of
   * eight separate rings (75 series at 8.5 min: 1,068 → 296 KB), a long-lived full block about
   * the same, and a lone series up to eight columns' pages.
   */
  readonly tiers: readonly [RingTier, RingTier, RingTier] = takeColumnTiers();
  /** Epoch ms of the newest sample (0 before the first). */
  lastAt = 0;
  /** The newest sample's value (NaN before the first). */
  lastValue = Number.NaN;
  private readonly agg = new Float64Array(3);
  /**
   * The minute in progress, summed as its samples arrive, so a second costs O(1) instead of a
   * pass over the minute (and the hour over its minutes): `mMinute` NaN when unknown. Figures are
   * the ones a recompute gives (the same sums in the same order); anything out of order, and a
   * restore, recomputes.
   */
  private mMinute = Number.NaN;
  private mLast = 0;
  private mMin = 0;
  private mMax = 0;
  private mSum = 0;
  private mCount = 0;
  /** The hour in progress: its minutes before `hMinute` folded (min, max, sum of averages, count). */
  private hHour = Number.NaN;
  private hMinute = 0;
  private hMin = 0;
  private hMax = 0;
  private hSum = 0;
  private hCount = 0;
  /** What the last {@link aggregate} summed: sum, count, and the last bucket with data. */
  private aSum = 0;
  private aCount = 0;
  private aLast = 0;

  /** Records one sample at epoch ms `at`; non-finite values are not recorded (absent). */
  record(at: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const second = Math.floor(at / RAW.stepMs);
    cell[0] = value;
    this.tiers[0].put(second, cell);
    if (at >= this.lastAt) {
      this.lastAt = at;
      this.lastValue = value;
    }
    const minute = Math.floor(second / PER_MINUTE);
    // As the raw tier holds it (32-bit), which is what a recompute sums; NaN: not held.
    const held = this.tiers[0].get(second);
    if (minute === this.mMinute && second > this.mLast && !Number.isNaN(held)) {
      if (held < this.mMin) this.mMin = held;
      if (held > this.mMax) this.mMax = held;
      this.mSum += held;
      this.mCount++;
      this.mLast = second;
    } else {
      this.aggregate(this.tiers[0], minute * PER_MINUTE, PER_MINUTE, 0, 0, 0);
      if (this.aCount === 0) {
        this.mMinute = Number.NaN;
        return;
      }
      this.mMinute = minute;
      this.mLast = this.aLast;
      this.mMin = this.agg[MIN] as number;
      this.mMax = this.agg[MAX] as number;
      this.mSum = this.aSum;
      this.mCount = this.aCount;
    }
    const agg = this.agg;
    agg[MIN] = this.mMin;
    agg[AVG] = this.mSum / this.mCount;
    agg[MAX] = this.mMax;
    this.tiers[1].put(minute, agg);
    this.rollHour(minute);
  }

  /** Updates the hour of `minute` from its minutes, folding only those that ended since the last call. */
  private rollHour(minute: number): void {
    const hour = Math.floor(minute / PER_HOUR);
    const minutes = this.tiers[1];
    if (hour !== this.hHour || minute < this.hMinute) {
      // Minutes after this one already held (out of order): recompute the hour in full.
      this.aggregate(minutes, minute + 1, (hour + 1) * PER_HOUR - minute - 1, MIN, AVG, MAX);
      if (this.aCount > 0) {
        this.hHour = Number.NaN;
        this.refreshHour(hour);
        return;
      }
      this.aggregate(minutes, hour * PER_HOUR, minute - hour * PER_HOUR, MIN, AVG, MAX);
      this.hHour = hour;
      this.hMinute = minute;
      this.hMin = this.aCount > 0 ? (this.agg[MIN] as number) : Number.POSITIVE_INFINITY;
      this.hMax = this.aCount > 0 ? (this.agg[MAX] as number) : Number.NEGATIVE_INFINITY;
      this.hSum = this.aSum;
      this.hCount = this.aCount;
    } else
      for (; this.hMinute < minute; this.hMinute++) {
        const avg = minutes.get(this.hMinute, AVG);
        if (Number.isNaN(avg)) continue;
        const lo = minutes.get(this.hMinute, MIN);
        const hi = minutes.get(this.hMinute, MAX);
        if (lo < this.hMin) this.hMin = lo;
        if (hi > this.hMax) this.hMax = hi;
        this.hSum += avg;
        this.hCount++;
      }
    const agg = this.agg;
    const lo = minutes.get(minute, MIN);
    const avg = minutes.get(minute, AVG);
    const hi = minutes.get(minute, MAX);
    agg[MIN] = Math.min(lo, this.hMin);
    agg[AVG] = (this.hSum + avg) / (this.hCount + 1);
    agg[MAX] = Math.max(hi, this.hMax);
    this.tiers[2].put(hour, agg);
  }

  /** Recomputes minute bucket `m` from the raw samples of that minute. */
  refreshMinute(m: number): void {
    this.mMinute = Number.NaN;
    this.aggregate(this.tiers[0], m * PER_MINUTE, PER_MINUTE, 0, 0, 0);
    if (!Number.isNaN(this.agg[0])) this.tiers[1].put(m, this.agg);
  }

  /** Recomputes hour bucket `h` from the minutes of that hour. */
  refreshHour(h: number): void {
    this.hHour = Number.NaN;
    this.aggregate(this.tiers[1], h * PER_HOUR, PER_HOUR, MIN, AVG, MAX);
    if (!Number.isNaN(this.agg[0])) this.tiers[2].put(h, this.agg);
  }

  /** Sets `agg` to min/avg/max over `n` buckets from `first` (NaN when all are absent). */
  private aggregate(
    tier: RingTier,
    first: number,
    n: number,
    fMin: number,
    fAvg: number,
    fMax: number,
  ): void {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let count = 0;
    for (let b = first; b < first + n; b++) {
      const avg = tier.get(b, fAvg);
      if (Number.isNaN(avg)) continue;
      const lo = tier.get(b, fMin);
      const hi = tier.get(b, fMax);
      if (lo < min) min = lo;
      if (hi > max) max = hi;
      sum += avg;
      count++;
      this.aLast = b;
    }
    this.aSum = sum;
    this.aCount = count;
    if (count === 0) {
      this.agg.fill(Number.NaN);
      return;
    }
    this.agg[MIN] = min;
    this.agg[AVG] = sum / count;
    this.agg[MAX] = max;
  }
}
