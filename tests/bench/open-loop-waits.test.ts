import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { perRequest, readSchedCounters, schedDelta } from '../../bench/open-loop-waits.js';

/**
 * Says `ready`, spins 40 ms of its main thread's CPU once told to go (its own schedstat says when),
 * says `spun`, sleeps three times, says `ok`, then waits to be killed. Naps of 30 ms: with 5 ms, a
 * busy machine (a full CI run) preempted the thread past a nap's end before it reached epoll_wait,
 * which then returned at once — a nap without a sleep, and one voluntary switch fewer (2 < 3).
 */
const CHILD = `
const ran = () => Number(require('node:fs').readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
process.stdin.once('data', () => {
  const t0 = ran();
  while (ran() - t0 < 40e6) {}
  process.stdout.write('spun\\n');
  let n = 0;
  const nap = () => (++n <= 3 ? setTimeout(nap, 30) : (process.stdout.write('ok\\n'), setInterval(() => {}, 1e6)));
  nap();
});
process.stdout.write('ready\\n');
`;

describe('readSchedCounters (a process’s run time, run-queue wait and switches from /proc)', () => {
  it('counts a process’s main thread running, and the switches it makes by sleeping', async () => {
    const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    /** Resolves once the child has said `word` (its lines may arrive together). */
    const said = async (word: string) => {
      while (!out.split('\n').includes(word)) await once(child.stdout, 'data');
    };
    try {
      await said('ready');
      const before = readSchedCounters(child.pid!);
      child.stdin.write('go\n');
      await said('spun');
      const spun = readSchedCounters(child.pid!);
      await said('ok');
      const d = readSchedCounters(child.pid!);
      // the spin alone, not the process's start-up
      expect(schedDelta(before, spun).runMs).toBeGreaterThanOrEqual(35);
      expect(d.voluntary - spun.voluntary).toBeGreaterThanOrEqual(3);
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
