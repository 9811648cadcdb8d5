import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusEvent, createEventBus, type EventBus } from '../../kernel/bus/index.js';
import { callRoute, createSandbox, type DeniedCall, type Sandbox } from '../../kernel/sandbox/index.js';
import { openStorage, type Storage } from '../../kernel/storage/index.js';
import {
  childPids,
  keepPinging,
  loadFixture,
  quietLogger,
  req,
  startFixture,
  timerCount,
  timersSettledTo,
} from './helpers.js';

/** The ECMAScript globals of a fresh V8 context (what isolated-vm gives), minus WebAssembly. */
const STANDARD_GLOBALS = new Set(
  'Object,Function,Array,Number,parseFloat,parseInt,Infinity,NaN,undefined,Boolean,String,Symbol,Date,Promise,RegExp,Error,AggregateError,EvalError,RangeError,ReferenceError,SyntaxError,TypeError,URIError,globalThis,JSON,Math,Intl,ArrayBuffer,Uint8Array,Int8Array,Uint16Array,Int16Array,Uint32Array,Int32Array,Float32Array,Float64Array,Uint8ClampedArray,BigUint64Array,BigInt64Array,DataView,Map,BigInt,Set,WeakMap,WeakSet,Proxy,Reflect,FinalizationRegistry,WeakRef,decodeURI,decodeURIComponent,encodeURI,encodeURIComponent,escape,unescape,eval,isFinite,isNaN,console,SharedArrayBuffer,Atomics'.split(
    ',',
  ),
);

/** Native function paths of a pristine isolated-vm context (no prelude), computed in a child process. */
async function pristineNativePaths(): Promise<string[]> {
  const { code } = await loadFixture('escape-probe');
  const ivmPath = createRequire(import.meta.url).resolve('isolated-vm');
  const script = `
    const ivm = (await import(${JSON.stringify(ivmPath)})).default;
    const iso = new ivm.Isolate({ memoryLimit: 32 });
    const ctx = iso.createContextSync();
    const m = iso.compileModuleSync(process.env.CODE);
    m.instantiateSync(ctx, () => { throw new Error('no imports'); });
    m.evaluateSync();
    const fn = m.namespace.getSync('nativePaths', { reference: true });
    process.stdout.write(JSON.stringify(fn.applySync(undefined, [], { result: { copy: true } })));
    iso.dispose();`;
  const r = spawnSync(process.execPath, ['--no-node-snapshot', '--input-type=module', '-e', script], {
    env: { CODE: code, PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
}

/** Host names the escape-probe fixture looks up on its global (copied from its plugin.js). */
const PROBED_HOST_NAMES = [
  'process',
  'require',
  'module',
  'exports',
  'global',
  'Buffer',
  'setTimeout',
  'setImmediate',
  'fetch',
  'WebAssembly',
  '__omega_post',
  'ivm',
  '_ivm',
] as const;

describe('a plugin cannot reach the host', () => {
  let dir: string;
  let storage: Storage;
  let bus: EventBus;
  let sb: Sandbox;
  let pinger: ReturnType<typeof keepPinging>;
  const denied: DeniedCall[] = [];
  let timersBefore: number;

  beforeAll(async () => {
    timersBefore = timerCount();
    dir = await mkdtemp(join(tmpdir(), 'omega-sandbox-'));
    storage = await openStorage({ dataDir: dir, logger: quietLogger() });
    bus = createEventBus({ replayMaxEvents: 10, replayMaxAgeMs: 60_000, subscriberQueueMax: 100 });
    sb = createSandbox({ logger: quietLogger(), onDenied: (d) => denied.push(d) });
    pinger = keepPinging(await startFixture(sb, 'well-behaved', { services: { bus } }));
  });

  afterAll(async () => {
    expect((await pinger.stop()).failed).toBe(0);
    await sb.close();
    bus.close();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
    expect(await childPids()).toEqual([]);
    expect(await timersSettledTo(timersBefore)).toBeLessThanOrEqual(timersBefore);
  });

  it('finds no Node API, no host function and no way to import', async () => {
    const p = await startFixture(sb, 'escape-probe', {
      services: { storage: storage.namespace('escape-probe') },
    });
    const r = (await callRoute(p, 'report', req())).body as Record<string, unknown>;
    const globals = r.globals as string[];
    expect(globals.filter((g) => !STANDARD_GLOBALS.has(g))).toEqual([]);
    // The whole map, not `every(...)` over its values, which an empty report would pass.
    expect(PROBED_HOST_NAMES.length).toBeGreaterThan(10);
    expect(r.typeofs).toEqual(Object.fromEntries(PROBED_HOST_NAMES.map((n) => [n, 'undefined'])));
    expect(r.fnCtor).toBe('undefined');
    expect(r.ctorChain).toBe('undefinedundefined');
    expect(r.ctorChainGlobal).toBe(true); // the isolate's own global, which holds nothing of the host
    expect(r.protoChain).toBe('threw ReferenceError');
    expect(r.strictThis).toBe(true);
    expect(r.imported).toBe('rejected');
    // Nothing reachable from ctx is a native function the global object does not also hold…
    expect(r.foreignViaCtx).toEqual([]);
    // …and the stack hands out no native function and no receiver from the kernel's side.
    const frames = r.frames as { fn: string; self: string; native: boolean }[];
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((f) => f.native)).toEqual([]);
    // Every native function reachable from the global object exists in a pristine context too.
    const pristine = new Set(await pristineNativePaths());
    expect((r.nativePaths as string[]).filter((path) => !pristine.has(path))).toEqual([]);
    await p.dispose();
  });

  it("prototype pollution stays in the plugin's realm", async () => {
    const seen: BusEvent[] = [];
    const sub = bus.subscribe(['demo.evil'], (batch) => {
      seen.push(...batch);
    });
    const p = await startFixture(sb, 'proto-pollution', {
      services: { storage: storage.namespace('proto-pollution'), bus },
    });
    const r = await callRoute(p, 'pollute', req());
    // Inside the plugin the pollution worked…
    expect(r.headers['x-polluted']).toBe('from-plugin');
    // …and none of it reached the kernel's realm.
    const clean = {} as Record<string, unknown>;
    for (const k of ['polluted', 'admin', 'admin2', 'admin3', 'viaRecord', 'viaCtor'])
      expect(clean[k], k).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).pollutedArray).toBeUndefined();
    for (const id of ['evil', 'escaped']) {
      const value = (await storage.get('proto-pollution', 'c', id))?.value as Record<string, unknown>;
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.hasOwn(value, '__proto__')).toBe(false);
      expect(value.admin ?? value.admin3).toBeUndefined();
    }
    await expect.poll(() => seen.length).toBe(1);
    const data = seen[0]!.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.hasOwn(data, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(r.body)).toBe(Object.prototype);
    expect((r.body as Record<string, unknown>).admin).toBeUndefined();
    sub.unsubscribe();
    await p.dispose();
  });

  it('every undeclared capability is refused with OMEGA_ERR_PERM_DENIED and audited', async () => {
    const p = await startFixture(sb, 'undeclared-capability', {
      services: { storage: storage.namespace('undeclared-capability'), bus },
    });
    const r = (await callRoute(p, 'tryAll', req())).body as Record<string, string>;
    expect(r.log).toBe('allowed');
    for (const call of [
      'storage',
      'publish',
      'subscribe',
      'system',
      'fetch',
      'random',
      'services',
      'timers',
    ]) {
      expect(r[call], call).toBe('OMEGA_ERR_PERM_DENIED');
    }
    // Validation comes before the permission check: a malformed call never reaches the gate.
    expect(r.unknownCall).toBe('OMEGA_ERR_VALIDATION');
    const mine = denied.filter((d) => d.plugin === 'undeclared-capability');
    expect(mine.map((d) => d.descriptor.kind).sort()).toEqual(
      [
        'crypto',
        'events.publish',
        'events.subscribe',
        'net.fetch',
        'services.call',
        'storage',
        'system.read',
        'timers',
      ].sort(),
    );
    expect(mine.find((d) => d.call === 'net.fetch')?.descriptor).toEqual({
      kind: 'net.fetch',
      origin: 'http://127.0.0.1:9',
    });
    expect(p.status().deniedCalls).toBe(8);
    expect(p.status().state).toBe('running');
    await p.dispose();
  });

  it('a grant narrower than the declaration denies the rest', async () => {
    const p = await startFixture(sb, 'undeclared-capability', { granted: ['http:routes'] });
    const r = (await callRoute(p, 'tryAll', req())).body as Record<string, string>;
    expect(r.log).toBe('OMEGA_ERR_PERM_DENIED');
    await p.dispose();
  });

  it('the same plugin name cannot run twice', async () => {
    const again = await startFixture(sb, 'well-behaved', { services: { bus } }).catch((e: unknown) => e);
    expect((again as { code?: string }).code).toBe('OMEGA_ERR_ALREADY_EXISTS');
  });
});
