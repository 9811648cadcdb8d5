import { RingTier } from './ring-tier.js';
import { REMOTE_TIERS, type TierSpec } from './tiers.js';

/** One value, handed to RingTier.put (no allocation per sample). */
const cell = new Float64Array(1);

/**
 * The history of one remote node's series, compact enough for ten thousand nodes: the
 * {@link REMOTE_TIERS} (30 s / 10 min / 2 h) unless given other tiers, one number per bucket. A raw bucket keeps the
 * newest value that landed in it; a 10-minute bucket is the mean of its raw buckets, a 2-hour
 * bucket the mean of its 10-minute ones, recomputed on every sample (partial buckets are
 * always queryable). Min and max of a coarse bucket are not kept: a query for them over the
 * coarse tiers answers from the averages and says so (`approximate`).
 */
export class CompactHistory {
  /** The three tiers share one buffer (one allocation per series, not three). */
  readonly tiers: readonly [RingTier, RingTier, RingTier];
  private readonly perMid: number;
  private readonly perTop: number;
  /** Epoch ms of the newest sample (0 before the first). */
  lastAt = 0;
  /** The newest sample's value (NaN before the first). */
  lastValue = Number.NaN;

  /** `specs`: the tiers' resolutions, finest first (a remote node's by default; sessions have their own). */
  constructor(readonly specs: readonly [TierSpec, TierSpec, TierSpec] = REMOTE_TIERS) {
    const [raw, mid, top] = specs;
    const buf = new Float32Array(raw.capacity + mid.capacity + top.capacity);
    this.tiers = [
      new RingTier(raw.stepMs, raw.capacity, 1, buf, 0),
      new RingTier(mid.stepMs, mid.capacity, 1, buf, raw.capacity),
      new RingTier(top.stepMs, top.capacity, 1, buf, raw.capacity + mid.capacity),
    ];
    this.perMid = mid.stepMs / raw.stepMs;
    this.perTop = top.stepMs / mid.stepMs;
  }

  /** Records one sample at epoch ms `at`; non-finite values are not recorded (absent). */
  record(at: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const b = Math.floor(at / this.specs[0].stepMs);
    cell[0] = value;
    this.tiers[0].put(b, cell);
    if (at >= this.lastAt) {
      this.lastAt = at;
      this.lastValue = value;
    }
    const { perMid, perTop } = this;
    const m = Math.floor(b / perMid);
    this.roll(this.tiers[0], m * perMid, perMid, this.tiers[1], m);
    this.roll(this.tiers[1], Math.floor(m / perTop) * perTop, perTop, this.tiers[2], Math.floor(m / perTop));
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
