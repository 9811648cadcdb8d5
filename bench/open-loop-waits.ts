import { readFileSync } from 'node:fs';

/**
 * What one thread's scheduler counters say so far: time it ran, time it sat runnable waiting
 * for a CPU (the run queue), and its context switches, voluntary (it slept: epoll, futex) and
 * involuntary (it was preempted while it still had work).
 */
export interface SchedCounters {
  /** CPU time on a CPU, ms (/proc/<pid>/schedstat field 1). */
  runMs: number;
  /** Time runnable but not running, ms (schedstat field 2): the wait a request pays for a CPU. */
  waitMs: number;
  /** Times it was put on a CPU (schedstat field 3). */
  slices: number;
  voluntary: number;
  involuntary: number;
}

const ZERO: SchedCounters = { runMs: 0, waitMs: 0, slices: 0, voluntary: 0, involuntary: 0 };

/**
 * The scheduler counters of `pid`'s main thread (the event loop: where a request waits), or
 * zeros when the process is gone. Linux only (/proc/<pid>/schedstat needs schedstats, on by
 * default in every distribution kernel).
 */
export function readSchedCounters(pid: number): SchedCounters {
  try {
    // status first: a switch between the two reads then shows in `slices` (read second) but not
    // in the switch counts, never the other way round (slices falling behind the switches)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const [run = 0, wait = 0, slices = 0] = readFileSync(`/proc/${pid}/schedstat`, 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return {
      runMs: run / 1e6,
      waitMs: wait / 1e6,
      slices,
      voluntary: field('voluntary_ctxt_switches'),
      involuntary: field('nonvoluntary_ctxt_switches'),
    };
  } catch {
    return ZERO;
  }
}

/** `b − a`, field by field. */
export function schedDelta(a: SchedCounters, b: SchedCounters): SchedCounters {
  return {
    runMs: b.runMs - a.runMs,
    waitMs: b.waitMs - a.waitMs,
    slices: b.slices - a.slices,
    voluntary: b.voluntary - a.voluntary,
    involuntary: b.involuntary - a.involuntary,
  };
}

/**
 * One process's share of a fixed-rate row, per request: µs it ran, µs it waited runnable for
 * a CPU, mean wait per wake-up (µs), and involuntary switches per 1,000 requests.
 */
export function perRequest(d: SchedCounters, requests: number): string {
  const us = (ms: number) => ((ms * 1000) / requests).toFixed(1);
  const perWake = d.slices > 0 ? ((d.waitMs * 1000) / d.slices).toFixed(1) : '-';
  return `run ${us(d.runMs)} µs/req, wait ${us(d.waitMs)} µs/req (${perWake} µs/wake), preempted ${((d.involuntary * 1000) / requests).toFixed(1)}/1k req`;
}
