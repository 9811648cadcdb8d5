import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { perRequest, readSchedCounters, schedDelta } from '../../bench/open-loop-waits.js';

/** Spins 40 ms of its own CPU, sleeps three times, says so, then waits to be killed. */
const CHILD = `
const t0 = process.cpuUsage();
while ((process.cpuUsage(t0).user + process.cpuUsage(t0).system) < 40_000) {}
let n = 0;
const nap = () => (++n <= 3 ? setTimeout(nap, 5) : (process.stdout.write('ok\\n'), setInterval(() => {}, 1e6)));
nap();
`;

describe('readSchedCounters (a process’s run time, run-queue wait and switches from /proc)', () => {
  it('counts a process’s main thread running, and the switches it makes by sleeping', async () => {
    const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout, 'data');
      const d = readSchedCounters(child.pid!);
      expect(d.runMs).toBeGreaterThanOrEqual(35);
      expect(d.waitMs).toBeGreaterThanOrEqual(0);
      expect(d.voluntary).toBeGreaterThanOrEqual(3);
      expect(d.slices).toBeGreaterThanOrEqual(d.voluntary);
      expect(schedDelta(d, d)).toEqual({ runMs: 0, waitMs: 0, slices: 0, voluntary: 0, involuntary: 0 });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('reads zeros for a process that is gone', () => {
    expect(readSchedCounters(2 ** 22 + 1)).toEqual({
      runMs: 0,
      waitMs: 0,
      slices: 0,
      voluntary: 0,
      involuntary: 0,
    });
  });

  it('prints a process’s share per request', () => {
    const d = { runMs: 100, waitMs: 50, slices: 2000, voluntary: 1900, involuntary: 100 };
    expect(perRequest(d, 1000)).toBe(
      'run 100.0 µs/req, wait 50.0 µs/req (25.0 µs/wake), preempted 100.0/1k req',
    );
  });
});
