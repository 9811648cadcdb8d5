import { afterEach, describe, expect, it } from 'vitest';
import type { BusEvent, EventBus } from '../../kernel/bus/index.js';
import { createEventBus } from '../../kernel/bus/index.js';
import { createLogger } from '../../kernel/log/index.js';
import { createPermissionGate } from '../../kernel/permissions/index.js';
import { createHostSession, type HostSession } from '../../kernel/sandbox/host-session.js';
import { resolveLimits } from '../../kernel/sandbox/plugin-limits.js';
import type { PluginKillCause } from '../../kernel/sandbox/plugin-status.js';
import type { HostExit, HostProcess } from '../../kernel/sandbox/spawn-host.js';
import { type Frame, FrameType } from '../../kernel/sandbox/wire/frame-type.js';

/*
 * The kernel's side of the frame protocol for calls without an answer (HOST_CALL id 0:
 * ctx.events.emit), driven by a scripted host: the test writes the frames a host would write
 * and reads the frames the kernel writes back. Bus, bridge, permission gate and logger are real.
 */

interface Sent {
  type: number;
  id: number;
  aux: number;
  meta: string;
}

/** A host process whose frames are the test's; it exits when killed. */
function scriptedHost(): HostProcess & {
  frames: Sent[];
  deliver(f: Frame): void;
  killedWith: string | undefined;
} {
  let handler: ((f: Frame) => void) | undefined;
  let exit: (e: HostExit) => void = () => {};
  const exited = new Promise<HostExit>((r) => {
    exit = r;
  });
  let alive = true;
  const host = {
    pid: 0,
    dataLimitBytes: 0,
    ready: Promise.resolve(),
    exited,
    get alive() {
      return alive;
    },
    frames: [] as Sent[],
    killedWith: undefined as string | undefined,
    setHandler(h: (f: Frame) => void) {
      handler = h;
    },
    send(type: number, id: number, aux: number, meta: string) {
      host.frames.push({ type, id, aux, meta });
    },
    setSpinLimit() {},
    kill(reason: string, cause: PluginKillCause = 'operator') {
      if (!alive) return;
      alive = false;
      host.killedWith = cause;
      exit({ code: null, signal: 'SIGKILL', reason, cause });
    },
    stderrTail: () => '',
    setExitProbe() {},
    deliver(f: Frame) {
      handler?.(f);
    },
  };
  return host;
}

const hostCall = (id: number, meta: string, args: unknown): Frame => ({
  type: FrameType.HOST_CALL,
  id,
  aux: 0,
  meta,
  body: Buffer.from(JSON.stringify(args)),
});

const until = async (done: () => boolean): Promise<void> => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

describe('host session: calls without an answer (id 0), scripted host', () => {
  let bus: EventBus;
  let session: HostSession | undefined;
  let host: ReturnType<typeof scriptedHost>;
  let lines: Array<Record<string, unknown>>;
  let downs: Array<{ reason: string; cause: PluginKillCause }>;

  const start = (over: { noAnswerLogMs?: number } = {}): void => {
    bus = createEventBus({ replayMaxEvents: 10_000, replayMaxAgeMs: 300_000, subscriberQueueMax: 100_000 });
    host = scriptedHost();
    lines = [];
    downs = [];
    const log = createLogger({
      level: 'debug',
      destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
    });
    const permissions = ['events:publish:demo.**'];
    const gate = createPermissionGate({ plugin: 'scripted', declared: permissions, granted: permissions });
    session = createHostSession({
      host,
      plugin: { name: 'scripted', version: '1.0.0' },
      limits: resolveLimits(),
      services: { log, bus },
      authorize: (d) => gate.check(d),
      onDown: (reason, cause) => void downs.push({ reason, cause }),
      onDeliveryError: () => {},
      cpuCapped: true,
      ...over,
    });
  };
  const failedLines = () => lines.filter((l) => l.msg === 'plugin call without an answer failed');
  const repliesToZero = () => host.frames.filter((f) => f.type === FrameType.REPLY && f.id === 0);

  afterEach(async () => {
    host.kill('test over', 'operator');
    await session?.stop(0);
    session = undefined;
    bus.close();
  });

  it('a burst of 300 small emits in one chunk all reach the bus, in order (not held to maxPendingHostCalls)', async () => {
    start();
    const seen: BusEvent[] = [];
    const sub = bus.subscribe(['demo.burst'], (batch) => void seen.push(...batch));
    const pad = 'x'.repeat(120);
    // One synchronous loop, as the kernel's frame reader hands it one socket chunk.
    for (let i = 0; i < 300; i++)
      host.deliver(hostCall(0, 'events.publish', { topic: 'demo.burst', data: { i, pad } }));
    await until(() => seen.length >= 300);
    sub.unsubscribe();
    expect(seen.map((e) => (e.data as { i: number }).i)).toEqual([...Array(300).keys()]);
    expect(failedLines()).toEqual([]);
    expect(repliesToZero()).toEqual([]);
  });

  it('emits are accepted while the answered calls are at their limit', async () => {
    start();
    const limits = resolveLimits();
    // Answered calls the kernel has not settled yet (storage is not granted: each is denied, but
    // only after this synchronous loop, so all of them are in flight while it runs).
    for (let i = 1; i <= limits.maxPendingHostCalls; i++)
      host.deliver(hostCall(i, 'storage.get', { key: 'k' }));
    host.deliver(hostCall(limits.maxPendingHostCalls + 1, 'storage.get', { key: 'k' }));
    const seen: BusEvent[] = [];
    const sub = bus.subscribe(['demo.more'], (batch) => void seen.push(...batch));
    host.deliver(hostCall(0, 'events.publish', { topic: 'demo.more', data: 1 }));
    await until(() => seen.length >= 1);
    sub.unsubscribe();
    const refused = host.frames.find(
      (f) => f.type === FrameType.REPLY && f.id === limits.maxPendingHostCalls + 1,
    );
    expect(refused?.aux).toBe(0);
    expect(repliesToZero()).toEqual([]);
  });

  it('never writes a REPLY for id 0: success, failure and the in-flight bytes limit', async () => {
    start();
    host.deliver(hostCall(0, 'events.publish', { topic: 'demo.ok', data: 1 }));
    host.deliver(hostCall(0, 'events.publish', { topic: 'other.denied', data: 1 }));
    // Over the kernel's bytes in flight (4 MiB) in one chunk: the last ones are refused on arrival.
    const big = 'y'.repeat(1024 * 1024);
    for (let i = 0; i < 5; i++) host.deliver(hostCall(0, 'events.publish', { topic: 'demo.big', data: big }));
    await new Promise((r) => setTimeout(r, 50));
    session?.kill('done', 'operator');
    await until(() => downs.length > 0);
    // The first failure at once, the rest flushed as the session ended.
    const codes = failedLines().map((l) => l.code);
    expect(codes).toContain('OMEGA_ERR_PERM_DENIED');
    expect(codes).toContain('OMEGA_ERR_PLUGIN_LIMIT');
    expect(repliesToZero()).toEqual([]);
    expect(host.frames.filter((f) => f.type === FrameType.REPLY)).toEqual([]);
  });

  it('an id-0 call of a method not marked noAnswer ends the session with cause protocol, unanswered', async () => {
    start();
    host.deliver(hostCall(0, 'storage.get', { key: 'k' }));
    await until(() => downs.length > 0);
    expect(downs[0]?.cause).toBe('protocol');
    expect(host.killedWith).toBe('protocol');
    expect(repliesToZero()).toEqual([]);
    // Nothing more is handled once the session ended.
    host.deliver(hostCall(0, 'events.publish', { topic: 'demo.after', data: 1 }));
    expect(repliesToZero()).toEqual([]);
  });

  it('an id-0 call of an unknown name ends the session with cause protocol', async () => {
    start();
    host.deliver(hostCall(0, 'no.such.call', {}));
    await until(() => downs.length > 0);
    expect(downs[0]?.cause).toBe('protocol');
    expect(repliesToZero()).toEqual([]);
  });

  it('logs the first failure at once and flushes the rest per code at the window end, without a later failure', async () => {
    start({ noAnswerLogMs: 200 });
    host.deliver(hostCall(0, 'events.publish', { topic: 'other.a', data: 1 }));
    await until(() => failedLines().length >= 1);
    host.deliver(hostCall(0, 'events.publish', { topic: 'other.b', data: 1 }));
    host.deliver(hostCall(0, 'events.publish', { topic: 'other.c', data: 1 }));
    host.deliver(hostCall(0, 'events.publish', { topic: 'demo.ok', data: 1 }));
    // A failure of another code in the same window: the bridge refuses a topic that is not a string.
    host.deliver(hostCall(0, 'events.publish', { topic: 5, data: 1 }));
    await new Promise((r) => setTimeout(r, 10));
    expect(failedLines()).toHaveLength(1);
    expect(failedLines()[0]).toMatchObject({ topic: 'other.a', code: 'OMEGA_ERR_PERM_DENIED', failures: 1 });
    await until(() => failedLines().length >= 3);
    const flushed = failedLines().slice(1);
    const denied = flushed.find((l) => l.code === 'OMEGA_ERR_PERM_DENIED');
    expect(denied).toMatchObject({ failures: 2, call: 'events.publish' });
    expect(['other.b', 'other.c']).toContain(denied?.topic);
    const invalid = flushed.find((l) => l.code !== 'OMEGA_ERR_PERM_DENIED');
    expect(invalid).toMatchObject({ failures: 1 });
    expect(invalid?.topic).toBeUndefined();
    // The window that flushed is followed by a quiet one; then a failure is logged at once again.
    await new Promise((r) => setTimeout(r, 450));
    host.deliver(hostCall(0, 'events.publish', { topic: 'other.d', data: 1 }));
    await until(() => failedLines().length >= 4);
    expect(failedLines()[3]).toMatchObject({ topic: 'other.d', failures: 1 });
  });

  it('flushes what the window still counts when the session ends', async () => {
    start();
    host.deliver(hostCall(0, 'events.publish', { topic: 'other.a', data: 1 }));
    host.deliver(hostCall(0, 'events.publish', { topic: 'other.b', data: 1 }));
    await until(() => failedLines().length >= 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(failedLines()).toHaveLength(1);
    session?.kill('done', 'operator');
    await until(() => downs.length > 0);
    expect(failedLines()).toHaveLength(2);
    expect(failedLines()[1]).toMatchObject({ topic: 'other.b', code: 'OMEGA_ERR_PERM_DENIED', failures: 1 });
  });
});
