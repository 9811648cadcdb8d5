import { readFile } from 'node:fs/promises';

/** Linux reports process times in USER_HZ ticks; the ABI fixes USER_HZ at 100. */
const TICK_MS = 10;

/** CPU ms (user + system) a process has used, from /proc/<pid>/stat; undefined when unreadable. */
export async function readProcessCpuMs(pid: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces or parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : undefined;
}

/**
 * A CPU credit: starts full at `burstMs`, refills at `refillPerSec` CPU-ms per wall second
 * (e.g. 500 = half a core), and is spent by CPU time used. Going below zero means the
 * process burned more than a burst plus its steady share, however it sliced the work
 * (a duty cycle or short bursts cannot dodge it the way a "N % for 1 s" rule can).
 */
export interface CpuCredit {
  /** Feeds the process's cumulative CPU ms at wall time `nowMs`; returns the credit left. */
  update(cpuMs: number, nowMs: number): number;
}

/** Creates a {@link CpuCredit}; the first update only sets the baseline. */
export function createCpuCredit(burstMs: number, refillPerSec: number): CpuCredit {
  let credit = burstMs;
  let lastCpu: number | undefined;
  let lastWall = 0;
  return {
    update(cpuMs, nowMs) {
      if (lastCpu === undefined) {
        lastCpu = cpuMs;
        lastWall = nowMs;
        return credit;
      }
      credit = Math.min(burstMs, credit + ((nowMs - lastWall) / 1000) * refillPerSec) - (cpuMs - lastCpu);
      lastCpu = cpuMs;
      lastWall = nowMs;
      return credit;
    },
  };
}
