import { RingTier } from './ring-tier.js';
import { REMOTE_TIERS } from './tiers.js';

const [RAW, MID, TOP] = REMOTE_TIERS;
const PER_MID = MID.stepMs / RAW.stepMs;
const PER_TOP = TOP.stepMs / MID.stepMs;
/** One value, handed to RingTier.put (no allocation per sample). */
const cell = new Float64Array(1);

/**
 * The history of one remote node's series, compact enough for ten thousand nodes: the
 * {@link REMOTE_TIERS} (30 s / 10 min / 2 h), one number per bucket. A raw bucket keeps the
 * newest value that landed in it; a 10-minute bucket is the mean of its raw buckets, a 2-hour
 * bucket the mean of its 10-minute ones, recomputed on every sample (partial buckets are
 * always queryable). Min and max of a coarse bucket are not kept: a query for them over the
 * coarse tiers answers from the averages and says so (`approximate`).
 */
export class CompactHistory {
  /** The tiers' resolutions, finest first. */
  readonly specs = REMOTE_TIERS;
  readonly tiers: readonly [RingTier, RingTier, RingTier] = [
    new RingTier(RAW.stepMs, RAW.capacity, 1),
    new RingTier(MID.stepMs, MID.capacity, 1),
    new RingTier(TOP.stepMs, TOP.capacity, 1),
  ];
  /** Epoch ms of the newest sample (0 before the first). */
  lastAt = 0;
  /** The newest sample's value (NaN before the first). */
  lastValue = Number.NaN;

  /** Records one sample at epoch ms `at`; non-finite values are not recorded (absent). */
  record(at: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const b = Math.floor(at / RAW.stepMs);
    cell[0] = value;
    this.tiers[0].put(b, cell);
    if (at >= this.lastAt) {
      this.lastAt = at;
      this.lastValue = value;
    }
    const m = Math.floor(b / PER_MID);
    this.roll(this.tiers[0], m * PER_MID, PER_MID, this.tiers[1], m);
    this.roll(
      this.tiers[1],
      Math.floor(m / PER_TOP) * PER_TOP,
      PER_TOP,
      this.tiers[2],
      Math.floor(m / PER_TOP),
    );
  }

  /** Sets bucket `to` of `into` to the mean of `n` buckets of `from` starting at `first`. */
  private roll(from: RingTier, first: number, n: number, into: RingTier, to: number): void {
    let sum = 0;
    let count = 0;
    for (let i = first; i < first + n; i++) {
      const v = from.get(i);
      if (Number.isNaN(v)) continue;
      sum += v;
      count++;
    }
    if (count === 0) return;
    cell[0] = sum / count;
    into.put(to, cell);
  }
}
