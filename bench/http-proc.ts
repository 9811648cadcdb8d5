import { readFileSync } from 'node:fs';

/** CPU time (user + system) of a process so far, ms (Linux /proc, 100 ticks a second). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/** Resident set size of a process, MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/**
 * Memory only this process holds, MB: its private pages. RSS also counts the node binary's
 * pages (~30 MB), which every node process on the machine shares.
 */
export function privateMb(pid: number): number {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return (kb('Private_Clean') + kb('Private_Dirty')) / 1024;
}

/** The machine's CPU time so far, in /proc/stat ticks: all of it, and what the hypervisor stole (the `steal` column). */
export function cpuTicks(): { total: number; steal: number } {
  const f = readFileSync('/proc/stat', 'utf8')
    .slice(0, 200)
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { total: f.reduce((sum, x) => sum + x, 0), steal: f[7] ?? 0 };
}
