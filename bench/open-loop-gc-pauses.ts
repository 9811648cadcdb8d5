import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** GC pauses of one process over a window, from the file bench/open-loop-gc.mjs appends to. */
export interface GcPauses {
  scavenges: number;
  /** Longest scavenge, ms (0 when none). */
  maxScavengeMs: number;
  /** Mark-compacts (full GCs) and incremental marking steps. */
  majors: number;
  maxMajorMs: number;
  /** All pauses added up, ms. */
  totalMs: number;
}

/** Where the GC log is now (its size): pass it to {@link gcPausesSince} after the window. */
export const gcMark = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** One GC pause: its kind, its start (ms of CLOCK_MONOTONIC, as `process.hrtime`) and its length. */
export interface GcSpan {
  kind: string;
  start: number;
  ms: number;
}

/** Every pause process `pid` logged to `file` since `mark`, in order (start NaN in an old 3-field line). */
export function gcSpansSince(file: string, mark: number, pid: number): GcSpan[] {
  const size = gcMark(file);
  if (size <= mark) return [];
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(size - mark);
  try {
    readSync(fd, buf, 0, buf.length, mark);
  } finally {
    closeSync(fd);
  }
  const spans: GcSpan[] = [];
  for (const line of buf.toString('utf8').split('\n')) {
    const [who, kind = '', ms, start] = line.split(' ');
    const d = Number(ms);
    if (Number(who) !== pid || !Number.isFinite(d)) continue;
    spans.push({ kind, ms: d, start: start === undefined ? Number.NaN : Number(start) });
  }
  return spans;
}

/** The pauses process `pid` logged to `file` since `mark` (see {@link gcMark}), counted by kind. */
export function gcPausesSince(file: string, mark: number, pid: number): GcPauses {
  const out: GcPauses = { scavenges: 0, maxScavengeMs: 0, majors: 0, maxMajorMs: 0, totalMs: 0 };
  for (const { kind, ms: d } of gcSpansSince(file, mark, pid)) {
    out.totalMs += d;
    if (kind === 'scavenge') {
      out.scavenges++;
      out.maxScavengeMs = Math.max(out.maxScavengeMs, d);
    } else if (kind === 'mark-compact' || kind === 'incremental') {
      out.majors++;
      out.maxMajorMs = Math.max(out.maxMajorMs, d);
    }
  }
  return out;
}
