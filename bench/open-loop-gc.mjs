// Preloaded into a bench kernel (`node --import <this file>`; plain JS: the kernel runs without
// tsx): appends each of the process's GC pauses, as node:perf_hooks reports them, to the file
// named by OMEGA_BENCH_GC_FILE, one `<pid> <kind> <ms> <start>` line each (start: ms of
// CLOCK_MONOTONIC, process.hrtime's clock, the open-loop generator's too), so the fixed-rate rows can
// say which pauses fell in their window (http.bench.ts) and which slow requests one overlapped. One append per observer batch (about one
// a second under load); nothing else in the process changes.
import { appendFileSync } from 'node:fs';
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';

const file = process.env.OMEGA_BENCH_GC_FILE;
if (file) {
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
  };
  // performance.now() counts from timeOrigin on the monotonic clock: its offset maps an entry to it
  const origin = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  new PerformanceObserver((list) => {
    let out = '';
    for (const e of list.getEntries())
      out += `${process.pid} ${kinds[e.detail?.kind] ?? 'other'} ${e.duration.toFixed(3)} ${(origin + e.startTime).toFixed(3)}\n`;
    appendFileSync(file, out);
  }).observe({ entryTypes: ['gc'] });
}
