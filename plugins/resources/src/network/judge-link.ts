import type { LinkStatus, ProbeFigures } from '../contract.js';
import type { Thresholds } from '../settings/settings.js';

/** What a cell is judged with besides its figures: the report's time and cadence, and now. */
export interface LinkContext {
  /** Agent time of the report the figures come from (epoch ms). */
  at: number;
  /** Kernel time the report arrived (epoch ms). */
  receivedAt: number;
  now: number;
  intervalMs: number;
  /** A report older than this (kernel clock) is stale. */
  staleAfterMs: number;
  /** Probes unanswered for this long count as lost. */
  timeoutMs: number;
}

const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;
const ms = (v: number) => `${Math.round(v * 10) / 10} ms`;

/**
 * Judges one measured link: `unreachable` when no probe of the window was answered or none for
 * two rounds (a cut link shows at once, not after a whole window), `bad` at `lossBad` or more,
 * `degraded` past the loss, RTT or jitter warnings, else `ok`; `stale` when its report is older
 * than `staleAfterMs`. The reason says which figure decided.
 */
export function judgeLink(
  f: ProbeFigures,
  c: LinkContext,
  t: Thresholds,
): { status: LinkStatus; reason: string } {
  const age = c.now - c.receivedAt;
  if (age > c.staleAfterMs)
    return {
      status: 'stale',
      reason: `no report for ${Math.round(age / 1000)} s (the prober may be down or cut off)`,
    };
  if (f.sent === 0) return { status: 'stale', reason: 'no probe in the window yet' };
  const silentFor = f.lastReplyAt === undefined ? undefined : c.at - f.lastReplyAt;
  if (f.received === 0)
    return {
      status: 'unreachable',
      reason: `no answer to ${f.sent} probes${f.lastError ? ` (${f.lastError})` : ''}`,
    };
  if (silentFor !== undefined && silentFor > 2 * c.intervalMs + c.timeoutMs)
    return {
      status: 'unreachable',
      reason: `no answer for ${Math.round(silentFor / 1000)} s${f.lastError ? ` (${f.lastError})` : ''}`,
    };
  const loss = f.loss ?? 0;
  if (loss >= t.lossBad) return { status: 'bad', reason: `loss ${pct(loss)}` };
  const why: string[] = [];
  if (loss >= t.lossWarn) why.push(`loss ${pct(loss)}`);
  if (f.rttMs && f.rttMs.p50 >= t.rttWarnMs) why.push(`RTT p50 ${ms(f.rttMs.p50)}`);
  if (f.jitterMs !== undefined && f.jitterMs >= t.jitterWarnMs) why.push(`jitter ${ms(f.jitterMs)}`);
  if (why.length > 0) return { status: 'degraded', reason: why.join(', ') };
  return {
    status: 'ok',
    reason: f.rttMs
      ? `RTT p50 ${ms(f.rttMs.p50)}, p99 ${ms(f.rttMs.p99)}, loss ${pct(loss)}`
      : `loss ${pct(loss)}`,
  };
}
