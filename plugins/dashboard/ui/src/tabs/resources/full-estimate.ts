import type { FullEstimate } from './resources-model.js';

/** How "full in N days" reads: the days with their interval, or why there is no figure. */
export type FullText =
  | { kind: 'days'; days: number; low?: number; high?: number }
  | { kind: 'full' }
  | { kind: 'not-filling'; reason?: string }
  | { kind: 'unknown'; reason?: string };

/**
 * Reads a filesystem's "full in N days" estimate into what the view says: the days and its
 * 95 % interval (low, high) when it is filling, "full" when it is, otherwise not filling or
 * unknown with the agent's reason — never a made-up number.
 */
export function fullText(f: FullEstimate | undefined): FullText {
  if (!f) return { kind: 'unknown' };
  const reason = typeof f.reason === 'string' ? { reason: f.reason } : {};
  if (f.status === 'full') return { kind: 'full' };
  if (f.status === 'filling' && typeof f.days === 'number' && Number.isFinite(f.days)) {
    if (f.days <= 0) return { kind: 'full' };
    return {
      kind: 'days',
      days: f.days,
      ...(typeof f.daysLow === 'number' ? { low: f.daysLow } : {}),
      ...(typeof f.daysHigh === 'number' ? { high: f.daysHigh } : {}),
    };
  }
  if (f.status === 'not-filling') return { kind: 'not-filling', ...reason };
  return { kind: 'unknown', ...reason };
}
