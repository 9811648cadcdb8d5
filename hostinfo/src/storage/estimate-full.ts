import type { FullEstimate, UsageSample } from './storage-types.js';
import { t95 } from './t95.js';

const DAY_MS = 86_400_000;

/**
 * Estimates when a filesystem of `sizeBytes` fills, from its (time, used) history, by ordinary
 * least squares on used bytes over time. The uncertainty is the 95 % confidence interval of the
 * slope (Student's t, n − 2 degrees of freedom), carried to days as
 * `remaining / (slope ± t·SE)`, where `remaining` is size minus the fitted usage at the last sample.
 *
 * - `filling`: the slope's whole interval is above zero;
 * - `not-filling`: the slope is zero or negative, or its interval includes zero (flat within the
 *   noise: no honest date can be given);
 * - `unknown`: fewer than 3 samples, or all at one time.
 *
 * Pure: the history is the caller's (e.g. a ring buffer of samples every few minutes).
 */
export function estimateFull(history: readonly UsageSample[], sizeBytes: number): FullEstimate {
  const n = history.length;
  if (n < 3) return { status: 'unknown', reason: `need at least 3 samples, have ${n}`, samples: n };
  const t0 = history[0]!.at;
  let sx = 0;
  let sy = 0;
  for (const s of history) {
    sx += (s.at - t0) / DAY_MS;
    sy += s.usedBytes;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let lastX = Number.NEGATIVE_INFINITY;
  for (const s of history) {
    const x = (s.at - t0) / DAY_MS - mx;
    sxx += x * x;
    sxy += x * (s.usedBytes - my);
    lastX = Math.max(lastX, (s.at - t0) / DAY_MS);
  }
  if (sxx === 0) return { status: 'unknown', reason: 'all samples have the same time', samples: n };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (const s of history) {
    const r = s.usedBytes - (intercept + slope * ((s.at - t0) / DAY_MS));
    sse += r * r;
  }
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const margin = t95(n - 2) * se;
  if (slope <= 0) {
    return { status: 'not-filling', reason: 'usage is flat or shrinking', bytesPerDay: slope, samples: n };
  }
  if (slope - margin <= 0) {
    return {
      status: 'not-filling',
      reason: 'the trend is flat within its 95 % confidence interval',
      bytesPerDay: slope,
      samples: n,
    };
  }
  const remaining = Math.max(0, sizeBytes - (intercept + slope * lastX));
  return {
    status: 'filling',
    bytesPerDay: slope,
    days: remaining / slope,
    daysLow: remaining / (slope + margin),
    daysHigh: remaining / (slope - margin),
    samples: n,
  };
}
