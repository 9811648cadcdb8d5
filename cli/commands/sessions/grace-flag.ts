import { UsageError } from '../../command.js';

/** The longest grace a kill takes: the agent's and the sessions plugin's MAX_GRACE_MS (10 min). */
const MAX_GRACE_MS = 600_000;

/**
 * `--grace 10s|500ms|2m|1500` (ms when no unit) → ms, at most 10m: a longer one is refused here
 * saying so (`--grace 99h` was told only to write a duration "such as 10s").
 */
export function graceFlag(text: string): number {
  const m = /^(\d{1,9})(ms|s|m|h)?$/.exec(text.trim());
  if (!m)
    throw new UsageError(`--grace takes a duration of at most 10m, such as 10s, 500ms or 2m (got "${text}")`);
  const ms =
    Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  if (ms > MAX_GRACE_MS)
    throw new UsageError(`--grace ${text} is longer than a grace may be; give at most 10m`);
  return ms;
}
