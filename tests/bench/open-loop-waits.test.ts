import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { perRequest, readSchedCounters, schedDelta } from '../../bench/open-loop-waits.js';

/**
 * Says `ready`, spins 40 ms of its main thread's CPU once told to go (its own schedstat says when),
 * says `spun`; once told again, sleeps three times, says `ok`, then waits to be killed. The naps wait
 * for the second word, so none of them can fall before the parent's `spun` read (a parent slower
 * than a nap counted the first one early: 2 < 3 in two CI runs); each is a futex wait whose timeout
 * starts at the call (Atomics.wait), so a preemption cannot turn it into a nap without a sleep, as a
 * timer's epoll_wait could.
 */
const CHILD = `
const ran = () => Number(require('node:fs').readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
let step = 0;
process.stdin.on('data', () => {
  if (++step === 1) {
    const t0 = ran();
    while (ran() - t0 < 40e6) {}
    process.stdout.write('spun\\n');
  } else if (step === 2) {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    for (let n = 0; n < 3; n++) Atomics.wait(cell, 0, 0, 30);
    process.stdout.write('ok\\n');
  }
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
      child.stdin.write('nap\n');
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
