import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../kernel/bus/index.js';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';
import { childPids } from './helpers.js';

/*
 * Every plugin-host process the kernel spawns is waited for when it ends, however it ends: a
 * host that dies while its plugin starts (again and again, until quarantine), a warm spare
 * killed while it waits, a running host killed from outside (restarted), a host stopped on
 * disable, and the hosts ended when the kernel stops. The kernel here is this test process.
 * A regression guard: it passed before it was written (libuv waits for every child Node spawned,
 * spawn-host listens for 'close' and 'error'); a host that dies shows as a zombie only until the
 * kernel's event loop takes the SIGCHLD, which comes before the state event this waits for.
 */

const STEADY = `export const plugin = { routes: { async ping() { return { status: 200, body: { pong: true } }; } } };\n`;
// Fills its isolate during activate: the host dies (isolate memory limit) before it ever runs.
const DIES_AT_START = `export const plugin = {
  async activate() { const keep = []; for (;;) keep.push(new Array(1e6).fill(keep.length)); },
};
`;

/** Children of this process that have exited and not been waited for (state Z in /proc/<pid>/stat). */
function zombieChildren(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name may hold spaces or parentheses: state and ppid follow the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' && Number(ppid) === process.pid) out.push(Number(name));
  }
  return out;
}

/**
 * Resolves once `pid` has left /proc: it exited and its parent waited for it (a zombie keeps its
 * entry). A killed process may still be dying when the kill returns, so a one-time zombie
 * snapshot right after it could pass before there was anything to reap; this polls instead,
 * bounded only by the test's timeout (a host never reaped fails the test there).
 */
async function reaped(pid: number): Promise<void> {
  while (existsSync(`/proc/${pid}`)) await sleep(10);
}

describe('plugin hosts are reaped however they end', () => {
  let k: PluginKernel;
  const events: BusEvent[] = [];
  const waiters: Array<{ ok: (e: BusEvent) => boolean; resolve: () => void }> = [];
  /** Resolves at the first state event (seen already, or later) that `ok` accepts. */
  const seen = (ok: (e: BusEvent) => boolean): Promise<void> =>
    events.some(ok) ? Promise.resolve() : new Promise((resolve) => waiters.push({ ok, resolve }));
  const state =
    (plugin: string, s: string, after = 0) =>
    (e: BusEvent) =>
      e.seq > after && e.topic === `plugins.plugin.${s}` && (e.data as { plugin: string }).plugin === plugin;
  const runtimePid = (name: string): number | undefined => k.kernel.plugins.info(name).runtime?.pid;
  /** Resolves once `plugin` is in state `s` now, or at its next such state event after seq `after`. */
  const reaches = (plugin: string, s: string, after?: number): Promise<void> =>
    after === undefined && k.kernel.plugins.info(plugin).runtime?.state === s
      ? Promise.resolve()
      : seen(state(plugin, s, after ?? 0));

  beforeAll(async () => {
    k = await startPluginKernel(
      {
        steady: {
          code: STEADY,
          manifest: {
            permissions: ['http:routes'],
            routes: [{ method: 'GET', path: '/ping', handler: 'ping', permission: 'public' }],
          },
        },
        'dies-at-start': { code: DIES_AT_START, manifest: { limits: { memoryMb: 8 } } },
      },
      { plugins: { warmHosts: 1 } },
    );
    k.kernel.bus.subscribe(['plugins.plugin.*'], (batch) => {
      events.push(...batch);
      for (const w of [...waiters]) {
        if (batch.some(w.ok)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  });
  afterAll(async () => {
    await k?.close();
  });

  it('reaps hosts that died during start, until the plugin is quarantined', async () => {
    await reaches('dies-at-start', 'quarantined');
    expect(k.kernel.plugins.info('dies-at-start').runtime?.recentCrashes).toBeGreaterThanOrEqual(5);
    expect(zombieChildren()).toEqual([]);
  });

  it('reaps a running host killed from outside, and the host it is restarted on', async () => {
    await reaches('steady', 'running');
    const pid = runtimePid('steady');
    expect(pid).toBeGreaterThan(0);
    const mark = k.kernel.bus.lastSeq;
    process.kill(pid!, 'SIGKILL');
    await reaches('steady', 'running', mark);
    expect(runtimePid('steady')).not.toBe(pid);
    await reaped(pid!);
    expect(zombieChildren()).toEqual([]);
  });

  it('reaps a warm spare killed while it waits', async () => {
    const serving = new Set(['steady', 'dies-at-start'].map(runtimePid));
    const spares = (await childPids()).filter((p) => !serving.has(p));
    expect(spares.length).toBeGreaterThan(0);
    for (const p of spares) process.kill(p, 'SIGKILL');
    // A plugin start takes the next spare: it is a fresh one, and it serves.
    const mark = k.kernel.bus.lastSeq;
    const view = await k.kernel.plugins.reload('steady');
    if (view.status !== 'running') await reaches('steady', 'running', mark);
    const res = await k.api('/api/v1/steady/ping', { token: false });
    expect(res.status, await res.clone().text()).toBe(200);
    for (const p of spares) await reaped(p);
    expect(zombieChildren()).toEqual([]);
  });

  it('reaps a host stopped on disable, and every host when the kernel stops', async () => {
    const pid = runtimePid('steady');
    expect((await k.kernel.plugins.disable('steady')).status).toBe('disabled');
    await reaped(pid!);
    expect(zombieChildren()).toEqual([]);
    const hosts = await childPids();
    await k.kernel.stop('test');
    for (const p of hosts) await reaped(p);
    expect(await childPids()).toEqual([]);
    expect(zombieChildren()).toEqual([]);
  });
});
