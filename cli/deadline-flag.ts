import { UsageError } from './command.js';
import { timeFlag } from './time-flag.js';

/** How far ahead the kernel takes a deadline (plugins/nodes: "in the future, within a year"). */
const MAX_AHEAD_MS = 366 * 86_400_000;

/**
 * `--deadline` of `nodes cordon` / `drain`: an ISO time (in the operator's time zone when it has
 * none), or a duration from now in minutes, hours or days (`30m`, `2h`, `1d`). A time that is
 * past (or a zero duration), or more than a year ahead, is refused here saying which — the
 * kernel's one message for both ("must be an RFC 3339 time … in the future, within a year") read
 * as if `2020-01-01T00:00Z` were written wrong.
 */
export function deadlineFlag(text: string, now: number = Date.now()): string {
  const m = /^(\d{1,6})(m|h|d)$/.exec(text.trim());
  if (m) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
    const ms = Number(m[1]) * unit;
    if (ms === 0) throw new UsageError(`--deadline ${text} is now; give a duration such as 2h`);
    if (ms > MAX_AHEAD_MS)
      throw new UsageError(`--deadline ${text} is more than a year ahead; give one within a year`);
    return new Date(now + ms).toISOString();
  }
  // Minutes at the least: the time is set from this machine's clock, and the kernel's may differ
  // by seconds. The rule is said whole (`20s` was told only "a duration such as 2h").
  const iso = timeFlag(
    text,
    '--deadline takes an ISO time or a duration in minutes, hours or days, such as 30m, 2h or 1d',
  );
  const t = Date.parse(iso);
  if (t <= now)
    throw new UsageError(
      `--deadline ${text} is in the past (${iso}); give a time to come, or a duration such as 2h`,
    );
  if (t > now + MAX_AHEAD_MS)
    throw new UsageError(`--deadline ${text} is more than a year ahead (${iso}); give one within a year`);
  return iso;
}
