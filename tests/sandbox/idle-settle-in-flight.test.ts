import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLE_IDLE_MS } from '../../kernel/sandbox/host/create-idle-settle.js';
import { callRoute, createSandbox, type Sandbox } from '../../kernel/sandbox/index.js';
import { openStorage, type Storage } from '../../kernel/storage/index.js';
import { quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/**
 * A host's idle settle waits for no host call in flight (kernel/sandbox/host/create-idle-settle.ts):
 * it used to wait only for SETTLE_GAP_MS without an entry, so a call awaiting a slow answer from
 * the kernel (here storage.set, held until released, as a saturated threadpool holds it) had the
 * settle's GC steps run under it and waited for them too. While the write is held, the host does
 * not settle (its isolate heap keeps what the burst left); once answered, it settles.
 */
const CODE = `export const plugin = {
  routes: {
    async churn() { let n = 0; for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; n += o.s.length; } return { status: 200, body: { n } }; },
    async write(req, ctx) { await ctx.storage.set('c', 'k', { v: 1 }); return { status: 200, body: 'written' }; },
  },
};`;

const MiB = 1024 * 1024;

describe('idle settle and host calls in flight', () => {
  let dir: string;
  let storage: Storage;
  let sb: Sandbox;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omega-settle-in-flight-'));
    storage = await openStorage({ dataDir: dir, logger: quietLogger() });
    sb = createSandbox({ logger: quietLogger(), warmHosts: 0, cgroups: { mode: 'none' } });
  });
  afterAll(async () => {
    await sb.close();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('does not settle while a host call awaits its answer, and settles after it', async () => {
    let release = (): void => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const ns = storage.namespace('held');
    const p = await startInline(sb, {
      name: 'held',
      code: CODE,
      permissions: ['http:routes', 'storage'],
      limits: { callTimeoutMs: 60_000 },
      services: {
        storage: {
          get: (c, id) => ns.get(c, id),
          set: async (c, id, v, o) => {
            await held;
            return ns.set(c, id, v, o);
          },
          delete: (c, id, o) => ns.delete(c, id, o),
          list: (c, o) => ns.list(c, o),
          transaction: (ops) => ns.transaction(ops),
        },
      },
    });
    for (let i = 0; i < 200; i++) expect((await callRoute(p, 'churn', req())).status).toBe(200);
    const burst = await p.stats();
    const write = callRoute(p, 'write', req());
    // Past the burst's settle window (a settle would come 6–7 s after the burst): still held.
    await sleep(SETTLE_IDLE_MS + 2500);
    const during = await p.stats();
    expect(burst.heapTotalBytes - during.heapTotalBytes).toBeLessThan(MiB);
    release();
    expect((await write).body).toBe('written');
    // Settles once the answer is in: polled (a loaded machine may take a few seconds more).
    let settled = await p.stats();
    for (let i = 0; i < 60 && during.heapTotalBytes - settled.heapTotalBytes < MiB; i++) {
      await sleep(500);
      settled = await p.stats();
    }
    expect(during.heapTotalBytes - settled.heapTotalBytes).toBeGreaterThanOrEqual(MiB);
    expect(p.status().state).toBe('running');
  }, 60_000);
});
