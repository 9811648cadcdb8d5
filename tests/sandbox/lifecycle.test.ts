import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusEvent, createEventBus, type EventBus } from '../../kernel/bus/index.js';
import {
  callRoute,
  createSandbox,
  type PluginStatusEvent,
  type Sandbox,
} from '../../kernel/sandbox/index.js';
import { openStorage, type Storage } from '../../kernel/storage/index.js';
import {
  childPids,
  codeOf,
  liveResources,
  quietLogger,
  req,
  startFixture,
  timerCount,
  timersSettledTo,
  waitForRestart,
} from './helpers.js';

describe('a well-behaved plugin in the sandbox', () => {
  let dir: string;
  let storage: Storage;
  let bus: EventBus;
  let sb: Sandbox;
  const statuses: PluginStatusEvent[] = [];
  let resourcesBefore: string[];
  let timersBefore: number;

  beforeAll(async () => {
    resourcesBefore = liveResources();
    timersBefore = timerCount();
    dir = await mkdtemp(join(tmpdir(), 'omega-sandbox-'));
    storage = await openStorage({ dataDir: dir, logger: quietLogger() });
    bus = createEventBus({ replayMaxEvents: 100, replayMaxAgeMs: 60_000, subscriberQueueMax: 1000 });
    sb = createSandbox({
      logger: quietLogger(),
      onStatus: (e) => statuses.push(e),
      restart: { baseDelayMs: 20 },
    });
  });

  afterAll(async () => {
    await sb.close();
    bus.close();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  const services = () => ({ storage: storage.namespace('well-behaved'), bus });

  it('starts, answers routes and keeps state between calls', async () => {
    const p = await startFixture(sb, 'well-behaved', { services: services() });
    expect(p.status().state).toBe('running');
    expect(p.status().exports).toEqual({
      routes: ['ping', 'remember', 'publish', 'state'],
      services: ['double'],
      setup: false,
      activate: true,
      deactivate: true,
    });
    const a = await callRoute(p, 'ping', req({ query: { q: '1' } }));
    const b = await callRoute(p, 'ping', req());
    expect(a).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { pong: true, hits: 1, echo: { q: '1' } },
    });
    expect((b.body as { hits: number }).hits).toBe(2);
    expect(p.status().registrations).toEqual({ subscriptions: 1, timers: 1 });
  });

  it('reads and writes its own storage namespace on disk', async () => {
    const p = sb.get('well-behaved')!;
    const r = await callRoute(p, 'remember', req({ params: { id: 'n1' }, body: { text: 'hello' } }));
    expect(r).toEqual({ status: 201, headers: {}, body: { version: 1, value: { text: 'hello' }, count: 1 } });
    expect((await storage.get('well-behaved', 'notes', 'n1'))?.value).toEqual({ text: 'hello' });
  });

  it('publishes on the bus and receives subscribed events in batches', async () => {
    const p = sb.get('well-behaved')!;
    const seen: BusEvent[] = [];
    const sub = bus.subscribe(['demo.from-plugin'], (batch) => {
      seen.push(...batch);
    });
    const r = await callRoute(p, 'publish', req({ body: { x: 1 } }));
    expect(r.status).toBe(202);
    for (let i = 0; i < 5; i++) bus.publish('demo.kernel', { i });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]?.data).toEqual({ x: 1 });
    await expect
      .poll(
        async () =>
          ((await callRoute(p, 'state', req())).body as { lastEvent: { data: unknown } | null }).lastEvent
            ?.data,
      )
      .toEqual({ i: 4 });
    sub.unsubscribe();
  });

  it('fires kernel-owned timers into the plugin', async () => {
    const p = sb.get('well-behaved')!;
    await expect
      .poll(async () => ((await callRoute(p, 'state', req())).body as { ticks: number }).ticks)
      .toBeGreaterThan(2);
  });

  it('serves its declared service and refuses unknown handlers', async () => {
    const p = sb.get('well-behaved')!;
    const caller = { plugin: 'caller', version: '1.0.0' };
    expect(
      JSON.parse(await p.invoke('service', 'double', JSON.stringify({ caller, args: { value: 21 } }))),
    ).toEqual({ value: 42 });
    expect(await codeOf(p.invoke('service', 'nope', '{}'))).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect(await codeOf(p.invoke('route', 'constructor', '{}'))).toBe('OMEGA_ERR_PLUGIN_FAILED');
  });

  it('restarts a plugin whose host dies, and it answers again', async () => {
    const p = sb.get('well-behaved')!;
    const pid = p.status().pid!;
    process.kill(pid, 'SIGKILL');
    const crashed = await p.waitFor(['backoff', 'quarantined']);
    expect(crashed.lastCrash?.reason).toMatch(/SIGKILL/);
    const back = await waitForRestart(p, pid);
    expect(back.pid).not.toBe(pid);
    expect(back.restarts).toBe(1);
    expect((await callRoute(p, 'ping', req())).status).toBe(200);
    expect(statuses.map((s) => s.state)).toEqual(
      expect.arrayContaining(['crashed', 'backoff', 'activating', 'running']),
    );
  });

  it('dispose deactivates, undoes every registration and ends the host', async () => {
    const p = sb.get('well-behaved')!;
    const pid = p.status().pid!;
    const subsBefore = bus.subscriberCount;
    await p.dispose();
    expect(p.status().state).toBe('stopped');
    expect(bus.subscriberCount).toBe(subsBefore - 1);
    expect((await storage.get('well-behaved', 'state', 'deactivated'))?.value).toEqual({ hits: 1 });
    expect(await childPids()).not.toContain(pid);
    expect(await codeOf(p.invoke('route', 'ping', '{}'))).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
    expect(sb.get('well-behaved')).toBeUndefined();
  });

  it('leaves no process or timer after close', async () => {
    await sb.close();
    expect(await childPids()).toEqual([]);
    expect(liveResources().filter((r) => r !== 'PipeWrap').length).toBeLessThanOrEqual(
      resourcesBefore.filter((r) => r !== 'PipeWrap').length,
    );
    // Timers on their own: a leaked timer must not hide behind a child handle that went away.
    expect(await timersSettledTo(timersBefore)).toBeLessThanOrEqual(timersBefore);
  });
});
