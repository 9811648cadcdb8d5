import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapabilityDescriptor } from '../../kernel/permissions/index.js';
import { createPermissionGate } from '../../kernel/permissions/index.js';
import {
  createBridge,
  type DeniedCall,
  HOST_FUNCTIONS,
  type HostEnv,
  type HostFunctionRegistry,
  resolveLimits,
} from '../../kernel/sandbox/index.js';
import { openStorage, type Storage } from '../../kernel/storage/index.js';
import { codeOf, quietLogger } from './helpers.js';

describe('the bridge', () => {
  let dir: string;
  let storage: Storage;
  const asked: CapabilityDescriptor[] = [];
  const denied: DeniedCall[] = [];
  const internal: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omega-bridge-'));
    storage = await openStorage({ dataDir: dir, logger: quietLogger() });
  });
  afterAll(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (): HostEnv => ({
    plugin: { name: 'alpha', version: '1.0.0' },
    services: { log: quietLogger(), storage: storage.namespace('alpha') },
    signal: new AbortController().signal,
    subscribe: () => 1,
    unsubscribe: () => true,
    addTimer: () => 1,
    cancelTimer: () => true,
  });

  const bridge = (functions: HostFunctionRegistry = HOST_FUNCTIONS, limits = {}) => {
    const gate = createPermissionGate({
      plugin: 'alpha',
      declared: ['storage', 'log'],
      granted: ['storage', 'log'],
    });
    return createBridge({
      env: env(),
      limits: resolveLimits({ maxCallBytes: 1000, callBytesPerSec: 1000, maxJsonDepth: 4, ...limits }),
      authorize: (d) => {
        asked.push(d);
        gate.check(d);
      },
      onDenied: (d) => denied.push(d),
      onInternalError: (call) => internal.push(call),
      functions,
    });
  };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));

  it('serves an allowed call from the plugin namespace named by the channel', async () => {
    const b = bridge();
    const out = JSON.parse(
      await b.handle('storage.set', json({ collection: 'c', id: 'k', value: { v: 1 }, ns: 'beta' })),
    );
    expect(out).toMatchObject({ id: 'k', version: 1, value: { v: 1 } });
    expect((await storage.get('alpha', 'c', 'k'))?.value).toEqual({ v: 1 });
    expect(await storage.get('beta', 'c', 'k')).toBeUndefined();
  });

  it('denies at the gate, audits, and does no work', async () => {
    const b = bridge();
    asked.length = 0;
    const err = await b.handle('events.publish', json({ topic: 'nodes.up', data: 1 })).catch((e) => e);
    expect(err.code).toBe('OMEGA_ERR_PERM_DENIED');
    expect(err.extras).toMatchObject({ plugin: 'alpha', asked: 'events:publish:nodes.up' });
    expect(denied.at(-1)).toMatchObject({
      plugin: 'alpha',
      call: 'events.publish',
      descriptor: { kind: 'events.publish', topic: 'nodes.up' },
    });
  });

  it('refuses user info in a fetch URL at the gate (audited), never reaching the fetch', async () => {
    const gate = createPermissionGate({
      plugin: 'alpha',
      declared: ['net:fetch:https://evil.example'],
      granted: ['net:fetch:https://evil.example'],
    });
    let fetched = 0;
    const b = createBridge({
      env: {
        ...env(),
        services: {
          log: quietLogger(),
          fetch: async () => {
            fetched++;
            return {
              status: 200,
              statusText: 'OK',
              url: '',
              redirected: false,
              headers: {},
              body: '',
              bodyEncoding: 'utf8',
            };
          },
        },
      },
      limits: resolveLimits({}),
      authorize: (d) => gate.check(d),
      onDenied: (d) => denied.push(d),
      functions: HOST_FUNCTIONS,
    });
    const before = denied.length;
    const err = await b
      .handle('net.fetch', json({ url: 'https://trusted.example:s3cret@evil.example/x?token=abc' }))
      .catch((e) => e);
    expect(err.code).toBe('OMEGA_ERR_PERM_DENIED');
    expect(fetched).toBe(0);
    expect(denied.length).toBe(before + 1);
    const audited = JSON.stringify(denied.at(-1));
    expect(audited).not.toContain('s3cret');
    expect(audited).not.toContain('token=abc');
    // Without user info the same origin is allowed and reaches the fetch.
    await b.handle('net.fetch', json({ url: 'https://evil.example/x' }));
    expect(fetched).toBe(1);
  });

  it('checks size, budget, depth and schema before asking the gate', async () => {
    const b = bridge();
    asked.length = 0;
    expect(await codeOf(b.handle('nope.call', json({})))).toBe('OMEGA_ERR_NOT_FOUND');
    expect(await codeOf(b.handle('storage.get', Buffer.alloc(1001, 32)))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(await codeOf(b.handle('storage.get', Buffer.from('[[[[[1]]]]]')))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(await codeOf(b.handle('storage.get', Buffer.from('{')))).toBe('OMEGA_ERR_BAD_JSON');
    expect(await codeOf(b.handle('storage.get', json({ collection: 'c' })))).toBe('OMEGA_ERR_VALIDATION');
    expect(await codeOf(b.handle('storage.get', json({ collection: 5, id: 'x' })))).toBe(
      'OMEGA_ERR_VALIDATION',
    );
    expect(asked).toEqual([]);
    const budgeted = bridge(HOST_FUNCTIONS, { callBytesPerSec: 100 });
    const big = json({ collection: 'c', id: 'x'.repeat(200) });
    // A burst of 4 s × 100 B/s holds one 240-byte call, not two.
    expect(await codeOf(budgeted.handle('storage.get', big))).toBe('resolved');
    expect(await codeOf(budgeted.handle('storage.get', big))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
  });

  it('never throws synchronously and hides unexpected failures', async () => {
    const broken = {
      ...HOST_FUNCTIONS,
      'storage.get': () => {
        throw new Error('/secret/path/db.json: EACCES');
      },
    } as unknown as HostFunctionRegistry;
    const b = bridge(broken);
    let p: Promise<string> | undefined;
    expect(() => {
      p = b.handle('storage.get', json({ collection: 'c', id: 'k' }));
    }).not.toThrow();
    const err = await p!.catch((e) => e);
    expect(err.code).toBe('OMEGA_ERR_INTERNAL');
    expect(err.message).not.toMatch(/secret/);
    expect(internal).toContain('storage.get');
    expect(await codeOf(b.handle(undefined as unknown as string, Buffer.alloc(0)))).not.toBe('resolved');
  });

  it("passes the kernel's own coded errors through", async () => {
    const b = bridge();
    await b.handle('storage.set', json({ collection: 'c', id: 'v', value: 1 }));
    expect(
      await codeOf(b.handle('storage.set', json({ collection: 'c', id: 'v', value: 2, expectedVersion: 7 }))),
    ).toBe('OMEGA_ERR_CONFLICT');
  });
});
