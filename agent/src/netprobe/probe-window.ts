/** One probe: when it was sent (epoch ms) and its round-trip time, or null when no answer came. */
export interface ProbeSample {
  at: number;
  rttMs: number | null;
}

/** Round-trip times over a window, ms. */
export interface RttSummary {
  min: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** What a window of probes to one target says. */
export interface WindowSummary {
  /** Probes in the window. */
  sent: number;
  received: number;
  /** Share of probes without an answer, 0–1 (absent when nothing was sent). */
  loss?: number;
  /** Absent when no probe was answered. */
  rttMs?: RttSummary;
  /**
   * Mean absolute difference of consecutive answered probes' RTTs (RFC 3550's interarrival
   * jitter idea without its smoothing), ms; absent with fewer than two answers.
   */
  jitterMs?: number;
  /** Epoch ms of the newest answered probe. */
  lastReplyAt?: number;
}

/** Linear-interpolation quantile of sorted values (numpy's default); `q` in [0, 1]. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** Summarises samples (in send order). Pure. */
export function summarizeWindow(samples: readonly ProbeSample[]): WindowSummary {
  const rtts: number[] = [];
  let jitterSum = 0;
  let jitterN = 0;
  let prev: number | undefined;
  let lastReplyAt: number | undefined;
  for (const s of samples) {
    if (s.rttMs === null) continue;
    rtts.push(s.rttMs);
    if (prev !== undefined) {
      jitterSum += Math.abs(s.rttMs - prev);
      jitterN++;
    }
    prev = s.rttMs;
    lastReplyAt = lastReplyAt === undefined ? s.at : Math.max(lastReplyAt, s.at);
  }
  const out: WindowSummary = { sent: samples.length, received: rtts.length };
  if (samples.length > 0) out.loss = r3(1 - rtts.length / samples.length);
  if (rtts.length > 0) {
    const sorted = [...rtts].sort((a, b) => a - b);
    out.rttMs = {
      min: r3(sorted[0]!),
      p50: r3(quantile(sorted, 0.5)),
      p99: r3(quantile(sorted, 0.99)),
      max: r3(sorted[sorted.length - 1]!),
      mean: r3(rtts.reduce((a, b) => a + b, 0) / rtts.length),
    };
  }
  if (jitterN > 0) out.jitterMs = r3(jitterSum / jitterN);
  if (lastReplyAt !== undefined) out.lastReplyAt = lastReplyAt;
  return out;
}

/** A sliding window of probe samples to one target, bounded in time and in count. */
export interface ProbeWindow {
  add(sample: ProbeSample): void;
  /** Samples sent in (now − windowMs, now], oldest first. */
  samples(now: number): ProbeSample[];
  summary(now: number): WindowSummary;
}

/** Creates a {@link ProbeWindow} keeping at most `maxSamples` (default 1,000). */
export function createProbeWindow(windowMs: number, maxSamples = 1_000): ProbeWindow {
  const list: ProbeSample[] = [];
  const prune = (now: number) => {
    let drop = 0;
    while (drop < list.length && list[drop]!.at <= now - windowMs) drop++;
    if (list.length - drop > maxSamples) drop = list.length - maxSamples;
    if (drop > 0) list.splice(0, drop);
  };
  return {
    add(sample) {
      list.push(sample);
      prune(sample.at);
    },
    samples(now) {
      prune(now);
      return [...list];
    },
    summary(now) {
      prune(now);
      return summarizeWindow(list);
    },
  };
}
