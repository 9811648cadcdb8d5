import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { estimateFull, type FullEstimate, type UsageSample } from '@omega/hostinfo';
import type { ReporterLogger } from '../reporter-host.js';

/** Options of {@link createUsageHistory}. */
export interface UsageHistoryOptions {
  /** Where the history is kept across agent restarts (absent: memory only). */
  file?: string;
  /** A new sample per filesystem at most this often (default 5 min). */
  sampleEveryMs?: number;
  /** Samples older than this are dropped; the estimate uses what is left (default 48 h). */
  windowMs?: number;
  log?: ReporterLogger;
}

/** Per-filesystem (time, used bytes) history and its "full in N days" estimate. */
export interface UsageHistory {
  /** Notes a reading; answers true when it became a new sample. */
  note(key: string, at: number, usedBytes: number): boolean;
  estimate(key: string, sizeBytes: number): FullEstimate;
  /** Forgets filesystems not in `keys` (unmounted). */
  keepOnly(keys: ReadonlySet<string>): void;
  /** Writes the history file when something changed since the last save. */
  save(): void;
}

interface Stored {
  v: 1;
  series: Record<string, UsageSample[]>;
}

/**
 * Creates a {@link UsageHistory}: one sample per filesystem every `sampleEveryMs` within a
 * `windowMs` window (576 samples per filesystem with the defaults), persisted to `file` (an atomic
 * rename) so an agent restart does not lose the trend. The estimate is @omega/hostinfo's
 * least-squares fit with its 95 % interval; fewer than 3 samples is `unknown`.
 */
export function createUsageHistory(o: UsageHistoryOptions = {}): UsageHistory {
  const every = o.sampleEveryMs ?? 300_000;
  const windowMs = o.windowMs ?? 48 * 3_600_000;
  const series = new Map<string, UsageSample[]>();
  let dirty = false;
  if (o.file) {
    try {
      const stored = JSON.parse(readFileSync(o.file, 'utf8')) as Stored;
      if (stored?.v === 1 && stored.series && typeof stored.series === 'object') {
        for (const [k, list] of Object.entries(stored.series)) {
          if (!Array.isArray(list)) continue;
          const ok = list.filter(
            (s) => s && Number.isFinite(s.at) && Number.isFinite(s.usedBytes) && s.usedBytes >= 0,
          );
          if (ok.length > 0) series.set(k, ok.slice(-10_000));
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        o.log?.warn(
          { file: o.file, err: (err as Error).message },
          'filesystem usage history unreadable; starting afresh',
        );
    }
  }
  const prune = (list: UsageSample[], now: number) => {
    let drop = 0;
    while (drop < list.length && list[drop]!.at < now - windowMs) drop++;
    if (drop > 0) list.splice(0, drop);
  };
  return {
    note(key, at, usedBytes) {
      let list = series.get(key);
      if (!list) {
        list = [];
        series.set(key, list);
      }
      const last = list[list.length - 1];
      if (last && at - last.at < every) return false;
      list.push({ at, usedBytes });
      prune(list, at);
      dirty = true;
      return true;
    },
    estimate(key, sizeBytes) {
      return estimateFull(series.get(key) ?? [], sizeBytes);
    },
    keepOnly(keys) {
      for (const k of [...series.keys()])
        if (!keys.has(k)) {
          series.delete(k);
          dirty = true;
        }
    },
    save() {
      if (!o.file || !dirty) return;
      dirty = false;
      const body: Stored = { v: 1, series: Object.fromEntries(series) };
      const tmp = `${o.file}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(o.file), { recursive: true, mode: 0o700 });
        writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 });
        renameSync(tmp, o.file);
      } catch (err) {
        o.log?.warn({ file: o.file, err: (err as Error).message }, 'filesystem usage history not saved');
      }
    },
  };
}
