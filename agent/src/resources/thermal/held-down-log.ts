import type { CpuFrequency } from '@omega/hostinfo';

/** A stretch of readings during which busy CPUs ran well below their maximum frequency. */
export interface HeldDownEpisode {
  /** Epoch ms of the reading before the first one that showed it (it began in (from, first]). */
  from: number;
  /** Epoch ms of the last reading that showed it. */
  to: number;
  /** The CPUs held down at some point of the episode. */
  cpus: number[];
  /** The lowest current/maximum frequency ratio seen among them. */
  ratioMin: number;
}

/** "Held down N times in the last hour": episodes whose end is inside the window. */
export interface HeldDownSummary {
  windowMs: number;
  count: number;
  lastAt?: number;
  episodes: HeldDownEpisode[];
}

/** Options of {@link createHeldDownLog}. */
export interface HeldDownOptions {
  /** A CPU counts as held down below this share of its maximum frequency (default 0.75). */
  ratioBelow?: number;
  /** …while at least this busy over the readings' interval (default 0.5: an idle CPU clocks down by design). */
  busyAtLeast?: number;
  /** Episodes kept (default 256; oldest dropped first). */
  capacity?: number;
}

/** Turns successive cpufreq readings (with each CPU's busy share) into held-down episodes. */
export interface HeldDownLog {
  record(
    at: number,
    cpus: readonly CpuFrequency[],
    busy: ReadonlyMap<number, number>,
  ): HeldDownEpisode | undefined;
  summary(now: number, windowMs: number): HeldDownSummary;
}

/**
 * Throttling seen from frequencies, where the CPU's own counters are missing or say nothing
 * (ARM, AMD, VMs, power capping by firmware): a busy CPU whose current frequency is far below its
 * hardware maximum is being held down (thermal, power or policy). Consecutive readings showing
 * it form one episode; memory is bounded by `capacity`.
 */
export function createHeldDownLog(o: HeldDownOptions = {}): HeldDownLog {
  const below = o.ratioBelow ?? 0.75;
  const busyMin = o.busyAtLeast ?? 0.5;
  const capacity = o.capacity ?? 256;
  const episodes: HeldDownEpisode[] = [];
  let open: HeldDownEpisode | undefined;
  let prevAt: number | undefined;
  return {
    record(at, cpus, busy) {
      const held = cpus.filter((c) => c.ratio < below && (busy.get(c.cpu) ?? 0) >= busyMin);
      const since = prevAt ?? at;
      prevAt = at;
      if (held.length === 0) {
        open = undefined;
        return undefined;
      }
      const ratioMin = Math.min(...held.map((c) => c.ratio));
      if (open) {
        open.to = at;
        open.cpus = [...new Set([...open.cpus, ...held.map((c) => c.cpu)])].sort((a, b) => a - b);
        open.ratioMin = Math.min(open.ratioMin, Math.round(ratioMin * 1000) / 1000);
        return open;
      }
      open = {
        from: since,
        to: at,
        cpus: held.map((c) => c.cpu).sort((a, b) => a - b),
        ratioMin: Math.round(ratioMin * 1000) / 1000,
      };
      episodes.push(open);
      if (episodes.length > capacity) episodes.splice(0, episodes.length - capacity);
      return open;
    },
    summary(now, windowMs) {
      const inWindow = episodes.filter((e) => e.to > now - windowMs && e.to <= now);
      const s: HeldDownSummary = {
        windowMs,
        count: inWindow.length,
        episodes: inWindow.map((e) => ({ ...e })),
      };
      if (inWindow.length > 0) s.lastAt = Math.max(...inWindow.map((e) => e.to));
      return s;
    },
  };
}
