import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus } from '../../kernel/bus/index.js';
import {
  callRoute,
  createSandbox,
  type HostCgroupLayout,
  type PluginStatusEvent,
  type Sandbox,
} from '../../kernel/sandbox/index.js';
import { childPids, codeOf, quietLogger, req, startFixture, waitForRestart } from './helpers.js';
import { startInline } from './start-inline.js';

/** Each case that needs a non-yielding stretch of plugin code, as the issue lists them. */
const SPINNER = `
export const plugin = {
  routes: {
    async ping() { return { status: 200, body: 'ok' }; },
    async spin() { for (;;) {} },
    async spinAfterAwait(_req, ctx) { await ctx.log.debug('about to spin'); for (;;) {} },
    async regex() { return { status: 200, body: /^(a+)+$/.test('a'.repeat(40) + '!') }; },
    async atomics() {
      if (typeof SharedArrayBuffer !== 'function') return { status: 501, body: 'no SharedArrayBuffer' };
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return { status: 200, body: 'woke' };
    },
  },
};`;

const read = async (dir: string | undefined, file: string): Promise<string> =>
  dir ? (await readFile(join(dir, file), 'utf8')).trim() : '';

/** CPU µs used in the host's cgroup (cgroup2 cpu.stat usage_usec, or v1 cpuacct.usage). */
async function cgroupCpuUsec(dir: string): Promise<number> {
  if (existsSync(join(dir, 'cpu.stat')) && (await read(dir, 'cpu.stat')).includes('usage_usec'))
    return Number(/usage_usec (\d+)/.exec(await read(dir, 'cpu.stat'))?.[1]);
  return Math.round(Number(await read(dir, 'cpuacct.usage')) / 1000);
}

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('host-cgroups tests skipped: creating cgroups needs root');

describe.skipIf(!isRoot)('each plugin host in its own cgroup', () => {
  let sb: Sandbox;
  let layout: HostCgroupLayout;
  const events: PluginStatusEvent[] = [];

  beforeAll(async () => {
    sb = createSandbox({
      logger: quietLogger(),
      restart: { baseDelayMs: 10, maxDelayMs: 50, maxCrashes: 50 },
      onStatus: (e) => events.push(e),
    });
    layout = await sb.cgroups();
    if (layout.mode === 'none') console.warn(`no writable cgroup here: ${layout.notes.join('; ')}`);
  });

  afterAll(async () => {
    await sb.close();
    expect(await childPids()).toEqual([]);
    // The kernel-owned directories are gone with the sandbox.
    for (const p of layout.placements) expect(existsSync(p.dir), p.dir).toBe(false);
  });

  it('joins a cgroup with the manifest share, memory and pids caps, removed when it stops', async (t) => {
    if (layout.mode === 'none') t.skip();
    const bus = createEventBus({ replayMaxEvents: 10, replayMaxAgeMs: 60_000, subscriberQueueMax: 100 });
    const p = await startFixture(sb, 'well-behaved', {
      limits: { cpuMillicores: 300, memoryMb: 32 },
      services: { bus },
    });
    const { pid, containment: c } = p.status();
    expect(p.status().state, JSON.stringify(p.status())).toBe('running');
    expect(c.cgroup).toBe(layout.mode);
    expect(c.cpuMillicores).toBe(300);
    expect(Object.keys(c.enforced).sort()).toEqual(['cpu', 'memory', 'pids']);
    const paths = c.paths ?? {};
    // The host process is really in each of them.
    const own = await readFile(`/proc/${pid}/cgroup`, 'utf8');
    for (const dir of new Set(Object.values(paths))) {
      expect((await read(dir, 'cgroup.procs')).split('\n')).toContain(String(pid));
      expect(own).toContain(dir.slice(dir.indexOf('/omega-plugins-k')));
    }
    if (c.enforced.cpu?.includes('v2')) expect(await read(paths.cpu, 'cpu.max')).toBe('30000 100000');
    else expect(await read(paths.cpu, 'cpu.cfs_quota_us')).toBe('30000');
    const memFile = c.enforced.memory?.includes('v2') ? 'memory.max' : 'memory.limit_in_bytes';
    expect(Number(await read(paths.memory, memFile))).toBe((256 + 2 * 32) * 1024 * 1024);
    expect(await read(paths.pids, 'pids.max')).toBe('64');
    expect(await callRoute(p, 'ping', req())).toMatchObject({ status: 200 });
    await p.dispose();
    bus.close();
    for (const dir of Object.values(paths)) expect(existsSync(dir), dir).toBe(false);
    expect(events.filter((e) => e.plugin === 'well-behaved').at(-1)).toMatchObject({
      state: 'stopped',
      cause: 'operator',
    });
  });

  it('stops a non-yielding spin by the spin watchdog, before the call deadline, whatever the kind of spin', async () => {
    const p = await startInline(sb, {
      name: 'spinner',
      code: SPINNER,
      permissions: ['http:routes', 'log'],
      // Deadlines far away: only the spin watchdog can stop these within the test.
      limits: { callTimeoutMs: 30_000, activateTimeoutMs: 30_000 },
    });
    const figures: string[] = [];
    for (const route of ['spin', 'spinAfterAwait', 'regex', 'atomics']) {
      const pid = p.status().pid;
      const t0 = performance.now();
      const res = await callRoute(p, route, req()).catch((e: { code: string }) => e.code);
      const ms = Math.round(performance.now() - t0);
      if (route === 'atomics' && typeof res === 'object' && res.status === 501) {
        figures.push('atomics: the isolate has no SharedArrayBuffer');
        continue;
      }
      // A spin answers like a breached deadline (504), long before the 30 s one.
      expect(res, route).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
      const back = await waitForRestart(p, pid);
      expect(back.lastCrash, route).toMatchObject({ cause: 'spin' });
      expect(back.lastCrash?.reason, route).toMatch(/^spin: .* without yielding/);
      expect(events.some((e) => e.plugin === 'spinner' && e.state === 'crashed' && e.cause === 'spin')).toBe(
        true,
      );
      // cause 'spin' (not 'deadline') shows the watchdog, not the 30 s call deadline, stopped it;
      // how fast is a figure (here, and against the deadline in bench/host-cgroups.bench.ts),
      // not a wall-clock limit in a test.
      figures.push(`${route}: stopped after ${ms} ms`);
    }
    console.log(`spin stop times (spinMs 1000): ${figures.join(', ')}`);
    await p.dispose();
  });

  it('holds a duty-cycle plugin to its share, measured from its cgroup', async (t) => {
    if (layout.mode === 'none' || !layout.placements.some((p) => p.roles.includes('cpu'))) t.skip();
    // cpu-burner wants ~80 % of a core (40 ms of every 50 ms); its share is 25 %.
    const share = 250;
    const p = await startFixture(sb, 'cpu-burner', { limits: { cpuMillicores: share } });
    const { containment } = p.status();
    const usageDir = containment.paths?.usage;
    expect(usageDir).toBeDefined();
    await new Promise((r) => setTimeout(r, 500)); // past the first ticks
    const u0 = await cgroupCpuUsec(usageDir!);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 5_000));
    const u1 = await cgroupCpuUsec(usageDir!);
    const wallUs = (performance.now() - t0) * 1000;
    const usedCores = (u1 - u0) / wallUs;
    const throttled = Number(/nr_throttled (\d+)/.exec(await read(containment.paths?.cpu, 'cpu.stat'))?.[1]);
    console.log(
      `duty cycle: used ${(usedCores * 100).toFixed(1)} % of a core over ${(wallUs / 1e6).toFixed(1)} s at a ${share}m share (throttled in ${throttled} periods)`,
    );
    // Held by the cgroup, not killed: still the same host, still answering.
    expect(p.status()).toMatchObject({ state: 'running', restarts: 0 });
    // (On a quiet machine the burner would use ~80 %; throttling is reported, not asserted: on a
    // loaded machine the burner may get less than its share and never reach the cap.)
    expect(usedCores).toBeLessThanOrEqual(share / 1000 + 0.05);
    expect(await callRoute(p, 'ping', req())).toMatchObject({ status: 200 });
    await p.dispose();
  });

  it('shows activating with the elapsed time, then names the deadline that ended it', async () => {
    const started = startInline(sb, {
      name: 'slow-activate',
      code: 'export const plugin = { activate() { return new Promise(() => {}); }, routes: {} };',
      permissions: [],
      limits: { activateTimeoutMs: 1_500 },
    });
    await new Promise((r) => setTimeout(r, 700));
    const during = sb.get('slow-activate')?.status();
    expect(during?.state).toBe('activating');
    expect(during?.activatingMs).toBeGreaterThanOrEqual(500);
    const p = await started;
    const s = p.status();
    expect(['backoff', 'activating']).toContain(s.state);
    expect(s.lastCrash).toMatchObject({ cause: 'deadline' });
    expect(s.lastCrash?.reason).toMatch(/activate/);
    await p.dispose();
  });

  it('names the cause of a memory kill and of a deadline kill', async () => {
    const p = await startFixture(sb, 'memory-bomb', { limits: { spinMs: 30_000 } });
    const pid = p.status().pid;
    expect(await codeOf(callRoute(p, 'heap', req()))).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
    expect((await waitForRestart(p, pid)).lastCrash?.cause).toBe('memory');
    await p.dispose();
    const never = await startFixture(sb, 'loop-handler', { limits: { callTimeoutMs: 300 } });
    const pid2 = never.status().pid;
    expect(await codeOf(callRoute(never, 'never', req()))).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    expect((await waitForRestart(never, pid2)).lastCrash?.cause).toBe('deadline');
    await never.dispose();
  });
});
