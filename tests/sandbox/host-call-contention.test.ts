import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KernelCrypto, openCrypto, PASSWORD_SLOTS } from '../../kernel/crypto/index.js';
import { callRoute, createSandbox, type Sandbox } from '../../kernel/sandbox/index.js';
import { openStorage, type Storage } from '../../kernel/storage/index.js';
import { childPids, codeOf, quietLogger, req, waitForRestart } from './helpers.js';
import { startInline } from './start-inline.js';

// Red team F3: a plugin with crypto:password ran 16 verifyPassword calls on a crafted record
// (scrypt N=2^17 r=8 p=4) at once, filling libuv's threadpool; another plugin's storage.set
// then missed its deadline and the kernel killed that innocent plugin's host as if it spun.
const ATTACKER = `
const A = (n) => 'A'.repeat(n);
const crafted = ['scrypt', 2 ** 17, 8, 4, A(22), A(43)].join('$');
export const plugin = {
  routes: {
    async crafted(req, ctx) {
      try { return { status: 200, body: await ctx.crypto.verifyPassword('x', crafted) }; }
      catch (e) { return { status: 200, body: e.code }; }
    },
    async burst(req, ctx) {
      const ps = [];
      for (let i = 0; i < 6; i++) ps.push(ctx.crypto.verifyPassword(i === 3 ? 'pw' : 'no', req.body.hash));
      return { status: 200, body: await Promise.all(ps) };
    },
  },
};`;

const VICTIM = `
export const plugin = {
  routes: {
    async write(req, ctx) { await ctx.storage.set('c', 'k', { v: 1 }); return { status: 200, body: 'written' }; },
    async ping() { return { status: 200, body: 'ok' }; },
  },
};`;

describe('host calls that wait on the kernel do not take others down', () => {
  let dir: string;
  let storage: Storage;
  let crypto: KernelCrypto;
  let sb: Sandbox;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omega-contention-'));
    storage = await openStorage({ dataDir: dir, logger: quietLogger() });
    crypto = await openCrypto({ dataDir: dir });
    sb = createSandbox({ logger: quietLogger(), restart: { baseDelayMs: 10 } });
  });
  afterAll(async () => {
    await sb.close();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
    expect(await childPids()).toEqual([]);
  });

  it('a call past its deadline while awaiting an unanswered host call fails alone; the host lives', async () => {
    // The kernel is slow to answer storage.set (as with a saturated threadpool) until released.
    let release = (): void => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const ns = storage.namespace('victim');
    const victim = await startInline(sb, {
      name: 'victim',
      code: VICTIM,
      permissions: ['http:routes', 'storage'],
      limits: { callTimeoutMs: 300 },
      services: {
        storage: {
          get: (c, id) => ns.get(c, id),
          set: async (c, id, v, o) => {
            await held;
            return ns.set(c, id, v, o);
          },
          delete: (c, id, o) => ns.delete(c, id, o),
          list: (c, o) => ns.list(c, o),
        },
      },
    });
    const pid = victim.status().pid;
    expect(await codeOf(callRoute(victim, 'write', req()))).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    const s = victim.status();
    expect(s).toMatchObject({ state: 'running', pid, restarts: 0, recentCrashes: 0 });
    expect(s.lastCrash).toBeUndefined();
    release();
    expect((await callRoute(victim, 'write', req())).body).toBe('written');
    expect((await callRoute(victim, 'ping', req())).body).toBe('ok');
    await victim.dispose();
  });

  it('a handler that awaits nothing past its deadline still kills its host', async () => {
    const p = await startInline(sb, {
      name: 'never',
      code: `export const plugin = { routes: { async never() { await new Promise(() => {}); } } };`,
      permissions: ['http:routes'],
      limits: { callTimeoutMs: 200 },
    });
    const pid = p.status().pid;
    expect(await codeOf(callRoute(p, 'never', req()))).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    const back = await waitForRestart(p, pid);
    expect(back.pid).not.toBe(pid);
    expect(back.lastCrash?.reason).toMatch(/deadline/);
    await p.dispose();
  });

  it('plugins verify only kernel-cost scrypt hashes, one at a time, within the kernel-wide slots', async () => {
    let active = 0;
    let peak = 0;
    const attacker = await startInline(sb, {
      name: 'attacker',
      code: ATTACKER,
      permissions: ['http:routes', 'crypto:password'],
      services: {
        crypto: {
          ...crypto,
          hashPassword: (pw) => crypto.hashPassword(pw),
          verifyPassword: async (pw, stored) => {
            peak = Math.max(peak, ++active);
            try {
              return await crypto.verifyPassword(pw, stored);
            } finally {
              active--;
            }
          },
        },
      },
    });
    expect((await callRoute(attacker, 'crafted', req())).body).toBe('OMEGA_ERR_VALIDATION');
    const hash = await crypto.hashPassword('pw');
    const out = (await callRoute(attacker, 'burst', req({ body: { hash } }))).body as boolean[];
    expect(out.filter(Boolean).length).toBe(1);
    expect(out[3]).toBe(true);
    expect(peak).toBe(1);
    expect(attacker.status()).toMatchObject({ state: 'running', restarts: 0 });
    await attacker.dispose();
  });

  it('password work kernel-wide holds at most half of the threadpool', async () => {
    const half = Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2));
    const hash = await crypto.hashPassword('pw');
    const all = Array.from({ length: 6 }, () => crypto.verifyPassword('pw', hash));
    expect(PASSWORD_SLOTS.active).toBe(half);
    expect(PASSWORD_SLOTS.waiting).toBe(6 - half);
    expect(await Promise.all(all)).toEqual([true, true, true, true, true, true]);
    expect(PASSWORD_SLOTS.active).toBe(0);
  });
});
