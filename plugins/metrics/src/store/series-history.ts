import { RingTier } from './ring-tier.js';
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
  /** The tiers, finest first. */
  readonly tiers: readonly [RingTier, RingTier, RingTier] = [
    new RingTier(RAW.stepMs, RAW.capacity, 1),
    new RingTier(MINUTE.stepMs, MINUTE.capacity, 3),
    new RingTier(HOUR.stepMs, HOUR.capacity, 3),
  ];
  /** Epoch ms of the newest sample (0 before the first). */
  lastAt = 0;
  /** The newest sample's value (NaN before the first). */
  lastValue = Number.NaN;
  private readonly agg = new Float64Array(3);

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
    this.refreshMinute(minute);
    this.refreshHour(Math.floor(minute / PER_HOUR));
  }

  /** Recomputes minute bucket `m` from the raw samples of that minute. */
  refreshMinute(m: number): void {
    this.aggregate(this.tiers[0], m * PER_MINUTE, PER_MINUTE, 0, 0, 0);
    if (!Number.isNaN(this.agg[0])) this.tiers[1].put(m, this.agg);
  }

  /** Recomputes hour bucket `h` from the minutes of that hour. */
  refreshHour(h: number): void {
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
    }
    if (count === 0) {
      this.agg.fill(Number.NaN);
      return;
    }
    this.agg[MIN] = min;
    this.agg[AVG] = sum / count;
    this.agg[MAX] = max;
  }
}
