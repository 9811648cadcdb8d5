import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '../../kernel/bus/index.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import {
  childPids,
  codeOf,
  keepPinging,
  quietLogger,
  req,
  startFixture,
  timerCount,
  timersSettledTo,
  waitForRestart,
} from './helpers.js';

/** Resident set of a process from /proc, bytes (0 when gone). */
async function rssBytes(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)/.exec(text)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

describe('runaway plugins are contained to their own host', () => {
  let bus: EventBus;
  let sb: Sandbox;
  let bystander: PluginInstance;
  let pinger: ReturnType<typeof keepPinging>;
  let timersBefore: number;

  beforeAll(async () => {
    timersBefore = timerCount();
    bus = createEventBus({ replayMaxEvents: 10, replayMaxAgeMs: 60_000, subscriberQueueMax: 100 });
    sb = createSandbox({
      logger: quietLogger(),
      restart: { baseDelayMs: 10, maxDelayMs: 50, maxCrashes: 50 },
    });
    bystander = await startFixture(sb, 'well-behaved', { services: { bus } });
    pinger = keepPinging(bystander);
  });

  afterAll(async () => {
    const pings = await pinger.stop();
    // The well-behaved plugin answered throughout every case of this file.
    expect(pings.failed).toBe(0);
    expect(pings.ok).toBeGreaterThan(10);
    expect(bystander.status().restarts).toBe(0);
    await sb.close();
    bus.close();
    expect(await childPids()).toEqual([]);
    expect(await timersSettledTo(timersBefore)).toBeLessThanOrEqual(timersBefore);
  });

  it('an infinite loop in a handler times out, kills only its host, and the plugin restarts', async () => {
    const p = await startFixture(sb, 'loop-handler');
    for (const route of ['spin', 'spinAfterAwait', 'regex', 'never', 'microtasks']) {
      const pid = p.status().pid;
      const code = await codeOf(callRoute(p, route, req()));
      // The spin watchdog (1 s inside the isolate), the deadline (`never`) or (for the microtask
      // flood) the isolate's heap limit ends it.
      expect(['OMEGA_ERR_PLUGIN_TIMEOUT', 'OMEGA_ERR_PLUGIN_UNAVAILABLE'], route).toContain(code);
      const back = await waitForRestart(p, pid);
      expect(back.pid, route).not.toBe(pid);
      expect(back.lastCrash?.reason, route).toMatch(/spin|deadline|timeout|memory/);
      expect(['spin', 'deadline', 'memory'], route).toContain(back.lastCrash?.cause);
      expect(await callRoute(p, 'ping', req())).toMatchObject({ status: 200, body: 'ok' });
    }
    expect(p.status().restarts).toBe(5);
    await p.dispose();
  });

  // The bombs allocate without yielding: spinMs is raised so the memory limits, not the spin
  // watchdog, are what these cases show.
  it('a heap bomb hits the isolate limit and ends only its host', async () => {
    const p = await startFixture(sb, 'memory-bomb', { limits: { spinMs: 30_000 } });
    const pid = p.status().pid!;
    expect(await codeOf(callRoute(p, 'heap', req()))).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
    const back = await waitForRestart(p, pid);
    expect(back.lastCrash?.reason).toMatch(/memory/);
    expect(back.lastCrash?.cause).toBe('memory');
    expect(back.pid).not.toBe(pid);
    await p.dispose();
  });

  it('ArrayBuffers (outside the heap limit) stop at the host OS cap', async () => {
    const p = await startFixture(sb, 'memory-bomb', { limits: { spinMs: 30_000 } });
    const pid = p.status().pid!;
    const capped = await callRoute(p, 'arrayBuffersCaught', req());
    expect(capped.status).toBe(507);
    const { allocated } = capped.body as { allocated: number };
    // RLIMIT_DATA = 256 MB + 2 × 32 MB: far fewer than the unbounded count.
    expect(allocated * 32).toBeLessThanOrEqual(320);
    expect(p.status().pid).toBe(pid);
    expect(await rssBytes(pid)).toBeLessThan(320 * 1024 * 1024);
    const code = await codeOf(callRoute(p, 'arrayBuffers', req()));
    expect(['OMEGA_ERR_PLUGIN_FAILED', 'OMEGA_ERR_PLUGIN_UNAVAILABLE']).toContain(code);
    await waitForRestart(p, pid);
    expect((await callRoute(p, 'wasm', req())).body).toEqual({ wasm: 'undefined' });
    await p.dispose();
  });

  it('deep recursion fails the call, not the host', async () => {
    const p = await startFixture(sb, 'deep-recursion');
    const pid = p.status().pid;
    expect(await codeOf(callRoute(p, 'recurse', req()))).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect(await codeOf(callRoute(p, 'deepResult', req()))).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect(p.status()).toMatchObject({ state: 'running', pid, restarts: 0 });
    await p.dispose();
  });

  it('without cgroups, a duty-cycle CPU burner is killed by its CPU credit (the fallback)', async () => {
    const bare = createSandbox({ logger: quietLogger(), warmHosts: 0, cgroups: { mode: 'none' } });
    const p = await startFixture(bare, 'cpu-burner', { limits: { cpuBurstMs: 300, cpuMillicores: 200 } });
    expect(p.status().containment).toMatchObject({ cgroup: 'none', cpuMillicores: 200 });
    expect(p.status().containment.enforced.cpu).toMatch(/cpu credit/);
    const crashed = await p.waitFor(['backoff', 'quarantined']);
    expect(crashed.lastCrash?.reason).toMatch(/cpu budget/);
    expect(crashed.lastCrash?.cause).toBe('cpu');
    await bare.close();
  });

  it('a bundle that imports a module is refused and quarantined at once', async () => {
    const p = await startFixture(sb, 'imports-module');
    expect(p.status().state).toBe('quarantined');
    expect(p.status().reason).toMatch(/imports/);
    expect(p.status().pid).toBeUndefined();
    await p.dispose();
  });
});

describe('a plugin that keeps crashing', () => {
  it('is restarted with back-off, then quarantined with the reason', async () => {
    const events: string[] = [];
    const sb = createSandbox({
      logger: quietLogger(),
      restart: { baseDelayMs: 10, maxCrashes: 3, windowMs: 60_000 },
      onStatus: (e) => events.push(e.state),
    });
    const p = await startFixture(sb, 'loop-activate', { limits: { activateTimeoutMs: 200 } });
    const q = await p.waitFor(['quarantined']);
    expect(q.reason).toMatch(/3 crashes/);
    expect(q.reason).toMatch(/activate/);
    expect(q.restarts).toBe(2);
    expect(q.pid).toBeUndefined();
    expect(events.filter((s) => s === 'backoff')).toHaveLength(2);
    expect(await codeOf(p.invoke('route', 'ping', '{}'))).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
    await sb.close();
    expect(await childPids()).toEqual([]);
  });
});
