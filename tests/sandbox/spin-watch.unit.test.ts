import { createHook } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessStopped } from '../../kernel/sandbox/process-stopped.js';
import { ENTRY_KIND, watchSpins } from '../../kernel/sandbox/spin-watch.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Blocks this thread (the kernel's event loop) for `ms`. */
const stall = (ms: number): void => {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
};

/** Counts the fires of the spin watch's shared timer (its callback is `tick`) while `body` runs. */
const countTicks = async (body: () => Promise<void>): Promise<{ armed: number; fired: number }> => {
  const ticks = new Set<number>();
  let fired = 0;
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && (resource as { _onTimeout?: { name?: string } })._onTimeout?.name === 'tick')
        ticks.add(id);
    },
    before(id) {
      if (ticks.has(id)) fired++;
    },
  });
  hook.enable();
  try {
    await body();
  } finally {
    hook.disable();
  }
  return { armed: ticks.size, fired };
};

describe('watchSpins (the counting, without a host)', () => {
  it('calls onSpin once for an entry with no progress, naming its kind', async () => {
    const reasons: string[] = [];
    const w = watchSpins((r) => reasons.push(r));
    w.setLimit(200);
    w.sent(ENTRY_KIND.call);
    w.progress(1);
    w.sent(ENTRY_KIND.continuation);
    while (reasons.length === 0) await sleep(20);
    await sleep(200);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^spin: a host-call continuation ran \d+ ms without yielding$/);
    w.close();
  });

  it('decides a kill in the loop turn that found it due, not at the next unrelated event', async () => {
    // A process with nothing but the watch and one keep-alive timer due long after the kill
    // (limit 300 ms + confirmation 250 ms), and before V8's first delayed task (the memory
    // reducer, ~8 s) wakes the loop. A decision that waits for the loop's next event (an unref'd
    // immediate lets the loop sleep in its poll) runs only once that timer is due, in the poll's
    // wake-up just before the timer itself: the order of events, not a time limit.
    const module = new URL('../../kernel/sandbox/spin-watch.ts', import.meta.url).href;
    const code = `
      import { ENTRY_KIND, watchSpins } from ${JSON.stringify(module)};
      const due = performance.now() + 3_900;
      const keepAlive = setTimeout(() => {}, 4_000);
      const w = watchSpins((r) => {
        console.log(performance.now() < due ? r : 'the decision waited for the keep-alive timer');
        clearTimeout(keepAlive);
      });
      w.setLimit(300);
      w.sent(ENTRY_KIND.call);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await once(child, 'exit');
    expect(out.trim()).toMatch(/^spin: a call ran \d+ ms without yielding$/);
  });

  it('stops its shared timer once the last outstanding entry is finished: no tick wakes the loop after it', async () => {
    // The ticks of the shared timer (its callback is `tick`) that fire from now on.
    const ticks = new Set<number>();
    let fired = 0;
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (
          type === 'Timeout' &&
          (resource as { _onTimeout?: { name?: string } })._onTimeout?.name === 'tick'
        )
          ticks.add(id);
      },
      before(id) {
        if (ticks.has(id)) fired++;
      },
    });
    hook.enable();
    const w = watchSpins(() => {});
    try {
      w.setLimit(1000);
      for (let i = 1; i <= 3; i++) {
        w.sent(ENTRY_KIND.call);
        w.progress(i);
        await sleep(120); // more than two ticks of 50 ms
      }
    } finally {
      hook.disable();
      w.close();
    }
    expect(ticks.size).toBeGreaterThan(0); // the timer was armed for each entry: the check is not vacuous
    expect(fired).toBe(0);
  });

  it('wakes nothing for an entry that ends inside its limit, however long it stays', async () => {
    // A 50 ms ticker fired every 50 ms while an entry was outstanding: 5 wake-ups for this one.
    const w = watchSpins(() => {});
    const { armed, fired } = await countTicks(async () => {
      w.setLimit(1000);
      w.sent(ENTRY_KIND.call);
      await sleep(300);
      w.progress(1);
      await sleep(50);
    });
    w.close();
    expect(armed).toBeGreaterThan(0); // the entry was watched: the check is not vacuous
    expect(fired).toBe(0);
  });

  it('decides a kill only after the loop has read what the host wrote while the kernel was stalled', async () => {
    // The host: answers (one byte on stdout) as soon as it is told to, while the kernel is stalled.
    const child = spawn(
      process.execPath,
      ['-e', "process.stdout.write('r');process.stdin.once('data',()=>process.stdout.write('a'))"],
      {
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    );
    try {
      const reasons: string[] = [];
      const answered = watchSpins((r) => reasons.push(`answered ${r}`));
      const silent = watchSpins((r) => reasons.push(`silent ${r}`));
      let bytes = 0;
      child.stdout.on('data', (b: Buffer) => {
        bytes += b.length;
        if (bytes >= 2) answered.progress(1);
      });
      while (bytes < 1) await sleep(5);
      for (const w of [answered, silent]) {
        w.setLimit(1000);
        w.sent(ENTRY_KIND.call);
      }
      // Past the limit, most of the way through the confirmation: the next tick decides.
      await sleep(1_200);
      expect(reasons).toEqual([]);
      // Stalled in the loop's check phase, the overdue tick runs before the loop polls again (a
      // stall inside a timer callback has the poll read the answer first, before any tick).
      await new Promise((r) => setImmediate(r));
      child.stdin.write('go');
      stall(1_000);
      // The overdue tick decides both are due, the poll reads the answer, then the decision (a
      // later tick's, when a hiccup of the test's own loop left the confirmation short).
      while (reasons.length === 0) await sleep(10);
      expect(reasons).toEqual([expect.stringMatching(/^silent spin: a call ran \d+ ms without yielding$/)]);
      for (const w of [answered, silent]) w.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('does not fire while progress keeps coming, when idle, when unwatched, or after close', async () => {
    const reasons: string[] = [];
    const moving = watchSpins((r) => reasons.push(`moving ${r}`));
    const idle = watchSpins((r) => reasons.push(`idle ${r}`));
    const unwatched = watchSpins((r) => reasons.push(`unwatched ${r}`));
    const closed = watchSpins((r) => reasons.push(`closed ${r}`));
    for (const w of [moving, idle, closed]) w.setLimit(400);
    idle.sent(ENTRY_KIND.call);
    idle.progress(1);
    unwatched.sent(ENTRY_KIND.call);
    closed.sent(ENTRY_KIND.call);
    closed.close();
    // 40 entries, each finished 20 ms after it was sent: 800 ms busy, never 400 ms without progress.
    for (let i = 1; i <= 40; i++) {
      moving.sent(ENTRY_KIND.call);
      await sleep(20);
      moving.progress(i);
    }
    await sleep(300);
    expect(reasons).toEqual([]);
    for (const w of [moving, idle, unwatched]) w.close();
  });

  it('does not count a stalled kernel event loop as time the host spent inside', async () => {
    const reasons: string[] = [];
    const w = watchSpins((r) => reasons.push(r));
    w.setLimit(300);
    w.sent(ENTRY_KIND.call);
    await sleep(60);
    // The kernel is stuck 1 s while the entry is outstanding; the host answers meanwhile.
    stall(1_000);
    // The shared timer's overdue tick runs before this; then the answer is read.
    await sleep(1);
    w.progress(1);
    await sleep(200);
    expect(reasons).toEqual([]);
    // Without an answer, observed time does add up.
    w.sent(ENTRY_KIND.call);
    while (reasons.length === 0) await sleep(20);
    expect(reasons[0]).toMatch(/^spin: a call ran/);
    w.close();
  });

  it('does not fire while the host process is stopped (SIGSTOP), and does once it runs again', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    try {
      expect(isProcessStopped(child.pid)).toBe(false);
      const reasons: string[] = [];
      const w = watchSpins(
        (r) => reasons.push(r),
        () => isProcessStopped(child.pid),
      );
      w.setLimit(200);
      child.kill('SIGSTOP');
      while (!isProcessStopped(child.pid)) await sleep(5);
      w.sent(ENTRY_KIND.call);
      await sleep(800);
      expect(reasons).toEqual([]);
      // Running again with the entry still outstanding: that is a spin.
      child.kill('SIGCONT');
      while (reasons.length === 0) await sleep(20);
      expect(reasons[0]).toMatch(/^spin: a call ran/);
      w.close();
    } finally {
      child.kill('SIGKILL');
    }
    expect(isProcessStopped(child.pid)).toBe(false);
  });
});
