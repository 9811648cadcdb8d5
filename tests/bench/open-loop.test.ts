import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLoop } from '../../bench/http-open-loop.js';
import { realtimePrefix, releaseRealtime, setRealtime } from '../../bench/open-loop-realtime.js';

/** A real node:http server on loopback; `handle` answers each request (its index in arrival order). */
async function serve(handle: (i: number, req: IncomingMessage, res: ServerResponse) => void) {
  let n = 0;
  const server = createServer((req, res) => handle(n++, req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, count: () => n };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});
const json = (res: ServerResponse, status = 200) =>
  res.writeHead(status, { 'content-type': 'application/json' });

describe('openLoop (generator in its own process, raw keep-alive sockets)', () => {
  it('sends every scheduled request with its headers and measures from the due time and from the send', async () => {
    const auth: Array<string | undefined> = [];
    // every other answer chunked (no content-length), the others with a content-length
    const s = await serve((i, req, res) => {
      auth.push(req.headers.authorization);
      if (i % 2) res.writeHead(200).end('{"hello":"world"}');
      else {
        json(res);
        res.write('{"hello":');
        res.end('"world"}');
      }
    });
    const r = await openLoop(`${s.url}/api/v1/echo/open?x=1`, {
      rate: 200,
      seconds: 1,
      warmupSeconds: 0.25,
      connections: 4,
      headers: { authorization: 'Bearer t0k' },
      pids: [process.pid],
    });
    expect(r.requests).toBe(200);
    expect(s.count()).toBe(250);
    expect(new Set(auth)).toEqual(new Set(['Bearer t0k']));
    expect(r.bad).toBe(0);
    // a request is sent at or after it is due: from-due dominates from-send, lateness is never negative
    expect(r.p50).toBeGreaterThanOrEqual(r.fromSend.p50);
    expect(r.max).toBeGreaterThanOrEqual(r.fromSend.max);
    expect(r.lateness.p50).toBeGreaterThanOrEqual(0);
    expect(r.p50).toBeGreaterThanOrEqual(r.lateness.p50);
    expect(r.pidCpu).toHaveLength(1);
    expect(r.pidCpu[0]).toBeGreaterThanOrEqual(0);
    expect(r.generatorCpu).toBeGreaterThan(0);
    expect(r.steal).toBeGreaterThanOrEqual(0);
    expect(r.realtime).toBe(realtimePrefix().length > 0);
  });

  it('returns the slowest requests as [due, answered] on the monotonic clock, and as many spread evenly', async () => {
    // one connection; the 20th request is held 60 ms: it and those queued behind it are the slow ones
    const s = await serve((i, _req, res) => {
      const answer = () => json(res).end('{}');
      if (i === 20) setTimeout(answer, 60);
      else answer();
    });
    const before = Number(process.hrtime.bigint()) / 1e6;
    const r = await openLoop(`${s.url}/`, {
      rate: 200,
      seconds: 1,
      warmupSeconds: 0,
      connections: 1,
      slowFrom: 99,
    });
    const after = Number(process.hrtime.bigint()) / 1e6;
    const { slow, even } = r.spans!;
    expect([slow.length, even.length]).toEqual([2, 2]);
    for (const [due, done] of [...slow, ...even]) {
      expect(due).toBeGreaterThan(before);
      expect(done).toBeLessThan(after);
      expect(done).toBeGreaterThanOrEqual(due);
    }
    // the slow ones are the top of the distribution, the held request first (~60 ms)
    expect(slow.every(([due, done]) => done - due >= r.p99)).toBe(true);
    expect(slow[0]![1] - slow[0]![0]).toBeGreaterThanOrEqual(50);
    // evenly spread: the first measured request, then the one half the window later (5 ms apart each)
    expect(even[1]![0] - even[0]![0]).toBeCloseTo(500, 3);
    // without slowFrom: no spans
    expect(
      (await openLoop(`${s.url}/`, { rate: 100, seconds: 0.1, warmupSeconds: 0 })).spans,
    ).toBeUndefined();
  });

  it('charges a stall to every request due behind it (no coordinated omission)', async () => {
    // one connection; the 20th request is held 300 ms, so ~60 requests due meanwhile queue behind it
    const s = await serve((i, _req, res) => {
      const answer = () => json(res).end('{}');
      if (i === 20) setTimeout(answer, 300);
      else answer();
    });
    const r = await openLoop(`${s.url}/`, { rate: 200, seconds: 1, warmupSeconds: 0, connections: 1 });
    expect(r.bad).toBe(0);
    expect(r.queued).toBeGreaterThanOrEqual(10);
    expect(r.max).toBeGreaterThanOrEqual(300);
    // the queued requests answer fast once sent, so only from-due sees the stall at p99
    expect(r.p99).toBeGreaterThanOrEqual(200);
    expect(r.fromSend.p99).toBeLessThan(r.p99);
  });

  it('counts non-2xx answers and dropped connections as bad, and replaces the connection', async () => {
    const s = await serve((i, _req, res) => {
      if (i % 25 === 3) res.socket?.destroy();
      else if (i % 25 === 7) json(res, 503).end('{}');
      else json(res).end('{}');
    });
    const r = await openLoop(`${s.url}/`, { rate: 200, seconds: 1, warmupSeconds: 0, connections: 2 });
    expect(r.requests).toBe(200);
    expect(s.count()).toBe(200);
    expect(r.bad).toBe(16);
  });

  it('fails with a clear message when nothing listens', async () => {
    const s = await serve(() => {});
    const url = s.url;
    for (const srv of servers.splice(0)) await new Promise((resolve) => srv.close(resolve));
    await expect(openLoop(`${url}/`, { rate: 10, seconds: 0.1 })).rejects.toThrow(/cannot connect/);
  });
});

/** A thread's scheduling policy from /proc (stat field 41): 0 SCHED_OTHER, 1 SCHED_FIFO. */
const policyOf = (pid: number, tid: number) => {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
};

describe('setRealtime (the isolated rows)', () => {
  it.skipIf(realtimePrefix().length === 0)(
    'puts every thread of a process under SCHED_FIFO and back (skipped: chrt missing or not allowed here)',
    async () => {
      // a real node process with its worker threads (libuv pool, V8 platform threads), once its
      // code runs: threads it started after the chrt would start at normal priority (reset on fork)
      const child = spawn(
        process.execPath,
        ['-e', "process.stdout.write('up'); setInterval(() => {}, 1000)"],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      await once(child.stdout!, 'data');
      try {
        const pid = child.pid!;
        const threads = () => readdirSync(`/proc/${pid}/task`).map(Number);
        expect(threads().every((tid) => policyOf(pid, tid) === 0)).toBe(true);
        expect(setRealtime([pid], true)).toEqual([]);
        expect(threads().map((tid) => policyOf(pid, tid))).toEqual(threads().map(() => 1));
        expect(setRealtime([pid], false)).toEqual([]);
        expect(threads().every((tid) => policyOf(pid, tid) === 0)).toBe(true);
        // a process that has exited is skipped, not a failure
        const exited = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
        await once(exited, 'exit');
        expect(setRealtime([pid, exited.pid!], true)).toEqual([]);
        expect(setRealtime([pid, exited.pid!], false)).toEqual([]);
      } finally {
        child.kill();
      }
    },
  );

  // Omega's plugin hosts sit in cgroup v1 cpu groups with no RT budget, where the kernel refuses
  // SCHED_FIFO: an isolated row left the host serving the route at normal priority.
  const rtGroups = '/sys/fs/cgroup/cpu';
  const rtOf = (dir: string) => Number(readFileSync(join(dir, 'cpu.rt_runtime_us'), 'utf8'));
  const rt = (dir: string) => String(rtOf(dir));
  /** RT µs per period of the root's budget that no group below it holds. */
  const rootFree = () =>
    rtOf(rtGroups) -
    readdirSync(rtGroups, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .reduce((sum, e) => sum + rtOf(join(rtGroups, e.name)), 0);
  const noRtGroups = realtimePrefix().length === 0 || !existsSync(`${rtGroups}/cpu.rt_runtime_us`);
  /** A node process that idles, started. */
  const idler = async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    return child;
  };
  /**
   * Runs `body` with a plugin-like group (`omega-plugins-k<this pid>-0/host`, RT budget 0, as a
   * kernel makes them; `top` instead of `omega-plugins-k…`) holding `n` idle node processes;
   * skips with the reason when the root has no RT time free for a new group; afterwards puts
   * everything back and removes the groups.
   */
  const inRtGroup = async (
    ctx: { skip: (note?: string) => never },
    n: number,
    body: (g: { parent: string; leaf: string; pids: number[] }) => Promise<void>,
    // a sequence of 0 is never a kernel's, and this process being alive keeps a kernel's sweep off it
    top = `omega-plugins-k${process.pid}-0`,
  ) => {
    const parent = join(rtGroups, top);
    const leaf = join(parent, 'host');
    mkdirSync(leaf, { recursive: true });
    const children = await Promise.all(Array.from({ length: n }, idler));
    const pids = children.map((c) => c.pid!);
    try {
      // other groups (another bench, another test run) may hold the root's RT time: the kernel
      // then refuses a budget here (EINVAL), or RT group scheduling is off (EBUSY/EINVAL)
      try {
        writeFileSync(join(parent, 'cpu.rt_runtime_us'), '10000');
        writeFileSync(join(parent, 'cpu.rt_runtime_us'), '0');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EBUSY' || code === 'EINVAL')
          ctx.skip(`the cpu hierarchy's root has no RT time free for a new group (${code})`);
        throw err;
      }
      for (const pid of pids) writeFileSync(join(leaf, 'cgroup.procs'), String(pid));
      expect([rt(parent), rt(leaf)]).toEqual(['0', '0']);
      await body({ parent, leaf, pids });
    } finally {
      // whatever failed above: the processes gone first (nothing left under SCHED_FIFO, and no
      // task keeps a budget), then no budget left
      for (const c of children) {
        if (c.exitCode === null && c.signalCode === null) {
          c.kill('SIGKILL');
          await once(c, 'exit');
        }
      }
      releaseRealtime();
      for (const dir of [leaf, parent])
        if (existsSync(dir)) writeFileSync(join(dir, 'cpu.rt_runtime_us'), '0');
      for (const dir of [leaf, parent]) {
        for (let i = 0; i < 50 && existsSync(dir); i++) {
          try {
            rmdirSync(dir);
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      }
    }
  };

  it.skipIf(noRtGroups)(
    'isolates a process in a cpu cgroup without an RT budget too, and takes the budget back (skipped: no v1 cpu hierarchy with RT groups)',
    (ctx) =>
      inRtGroup(ctx, 1, async ({ parent, leaf, pids: [pid] }) => {
        expect(setRealtime([pid!], true)).toEqual([]);
        expect(policyOf(pid!, pid!)).toBe(1);
        expect(Number(rt(leaf))).toBeGreaterThan(0);
        expect(setRealtime([pid!], false)).toEqual([]);
        expect(policyOf(pid!, pid!)).toBe(0);
        expect([rt(parent), rt(leaf)]).toEqual(['0', '0']);

        // another group holding all but 20,000 µs of the root's free RT time: the grant takes
        // what is left instead of failing (EINVAL) and leaving the process at normal priority
        const free = rootFree();
        if (free < 40_000) ctx.skip(`the cpu hierarchy's root has only ${free} µs of RT time free`);
        const holder = join(rtGroups, `omega-bench-test-${process.pid}-holder`);
        mkdirSync(holder);
        try {
          writeFileSync(join(holder, 'cpu.rt_runtime_us'), String(free - 20_000));
          expect(setRealtime([pid!], true)).toEqual([]);
          expect(policyOf(pid!, pid!)).toBe(1);
          expect(Number(rt(parent))).toBeLessThanOrEqual(20_000);
          expect(Number(rt(leaf))).toBeGreaterThan(0);
          expect(setRealtime([pid!], false)).toEqual([]);
          expect([rt(parent), rt(leaf)]).toEqual(['0', '0']);
        } finally {
          setRealtime([pid!], false);
          writeFileSync(join(holder, 'cpu.rt_runtime_us'), '0');
          rmdirSync(holder);
        }
      }),
  );

  it.skipIf(noRtGroups)(
    'releaseRealtime puts the granted pids back and takes the budgets back, and says what it could not (skipped: no v1 cpu hierarchy with RT groups)',
    (ctx) =>
      inRtGroup(ctx, 2, async ({ parent, leaf, pids: [a, b] }) => {
        // a bench stopped mid-row: its exit handler releases what the row was granted
        expect(setRealtime([a!], true)).toEqual([]);
        expect(releaseRealtime()).toEqual([]);
        expect(policyOf(a!, a!)).toBe(0);
        expect([rt(parent), rt(leaf)]).toEqual(['0', '0']);
        expect(releaseRealtime()).toEqual([]);

        // a task in the group still under SCHED_FIFO (not one the row granted): the kernel keeps
        // the leaf's budget (EBUSY), so its parent's too (EINVAL: it would not cover the leaf's),
        // and the release says so instead of staying silent
        expect(setRealtime([a!], true)).toEqual([]);
        expect(spawnSync('chrt', ['-f', '-p', '10', String(b)]).status).toBe(0);
        const problems = releaseRealtime();
        expect(policyOf(a!, a!)).toBe(0);
        expect(problems).toEqual([
          expect.stringMatching(new RegExp(`^${leaf}: .*EBUSY`)),
          expect.stringMatching(new RegExp(`^${parent}: .*EINVAL`)),
        ]);
      }),
  );

  it.skipIf(noRtGroups)(
    "gives the RT budget to the budgeted pids' groups alone, whole, where it was split among all (skipped: no v1 cpu hierarchy with RT groups)",
    (ctx) =>
      inRtGroup(ctx, 2, async ({ parent, leaf, pids: [a, b] }) => {
        // two hosts in groups of their own, as a kernel's are; `a` serves the measured route
        const other = join(parent, 'other');
        mkdirSync(other);
        writeFileSync(join(other, 'cgroup.procs'), String(b));
        try {
          expect(setRealtime([a!, b!], true)).toEqual([]);
          const split = Number(rt(leaf));
          expect(split).toBeGreaterThan(0);
          expect(Number(rt(other))).toBe(split);
          expect(setRealtime([a!, b!], false)).toEqual([]);

          expect(setRealtime([a!, b!], true, [a!])).toEqual([b]);
          expect([policyOf(a!, a!), policyOf(b!, b!)]).toEqual([1, 0]);
          expect(Number(rt(leaf))).toBeGreaterThanOrEqual(2 * split);
          expect(rt(other)).toBe('0');
          expect(setRealtime([a!, b!], false)).toEqual([]);
          expect([rt(parent), rt(leaf), rt(other)]).toEqual(['0', '0', '0']);
        } finally {
          setRealtime([a!, b!], false);
          writeFileSync(join(leaf, 'cgroup.procs'), String(b));
          writeFileSync(join(other, 'cpu.rt_runtime_us'), '0');
          rmdirSync(other);
        }
      }),
  );

  it.skipIf(noRtGroups)(
    'budgets only groups in a plugin-host subtree, never one outside or one that has a budget (skipped: no v1 cpu hierarchy with RT groups)',
    async (ctx) => {
      // a server's or the bench's own group: not the bench's to give RT time to
      await inRtGroup(
        ctx,
        1,
        async ({ parent, leaf, pids: [pid] }) => {
          expect(setRealtime([pid!], true)).toEqual([pid]);
          expect(policyOf(pid!, pid!)).toBe(0);
          expect([rt(parent), rt(leaf)]).toEqual(['0', '0']);
          expect(releaseRealtime()).toEqual([]);
        },
        `omega-bench-test-${process.pid}`,
      );
      // a plugin subtree whose top group someone already budgeted: never raised, its hosts'
      // group gets what it leaves free
      await inRtGroup(ctx, 1, async ({ parent, leaf, pids: [pid] }) => {
        writeFileSync(join(parent, 'cpu.rt_runtime_us'), '10000');
        expect(setRealtime([pid!], true)).toEqual([]);
        expect(policyOf(pid!, pid!)).toBe(1);
        expect(rt(parent)).toBe('10000');
        expect(Number(rt(leaf))).toBeGreaterThan(0);
        expect(Number(rt(leaf))).toBeLessThanOrEqual(10_000);
        expect(releaseRealtime()).toEqual([]);
        expect([rt(parent), rt(leaf)]).toEqual(['10000', '0']);
      });
    },
  );
});
