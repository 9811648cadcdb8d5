import {
  CTX_INDIRECT_CALLS,
  CTX_SURFACE,
  type CtxMethodPath,
  type CtxMethodSpec,
  HOST_CALL_NAMES,
} from '@omega/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../kernel/bus/index.js';
import type { HostMethod } from '../../sdk/src/index.js';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

/*
 * The prelude builds ctx in plain JavaScript; the sdk types ctx from CTX_SURFACE. This test loads
 * a real plugin in a real sandbox, lists the functions its ctx really has, and calls each one
 * with the sdk-typed arguments below while the plugin is granted nothing: every call must be
 * denied at the kernel's choke point naming exactly the host call CTX_SURFACE says it reaches
 * (denial comes after argument validation, so the positional mapping is checked too).
 */

const FN = '__fn__';
const noop = () => {};
const call = <P extends CtxMethodPath>(path: P, ...args: Parameters<HostMethod<P>>) => ({
  path,
  args: (args as unknown[]).map((a) => (typeof a === 'function' ? FN : a)),
});

const CALLS: { [P in CtxMethodPath]: { path: P; args: unknown[] } } = {
  'storage.get': call('storage.get', 'c', 'id-1'),
  'storage.set': call('storage.set', 'c', 'id-1', { v: 1 }, { expectedVersion: 0 }),
  'storage.delete': call('storage.delete', 'c', 'id-1'),
  'storage.list': call('storage.list', 'c', { limit: 5 }),
  'storage.transaction': call('storage.transaction', [
    { op: 'set', collection: 'c', id: 'id-1', value: { v: 1 }, expectedVersion: 0 },
    { op: 'delete', collection: 'c', id: 'id-2' },
  ]),
  'ephemeral.get': call('ephemeral.get', 'hb', 'n1'),
  'ephemeral.set': call('ephemeral.set', 'hb', 'n1', { at: 1 }),
  'ephemeral.setMany': call('ephemeral.setMany', 'hb', [['n1', { at: 1 }]]),
  'ephemeral.delete': call('ephemeral.delete', 'hb', 'n1'),
  'ephemeral.list': call('ephemeral.list', 'hb', { prefix: 'n' }),
  'agents.send': call('agents.send', 'n1', { k: 'cmd' }),
  'agents.disconnect': call('agents.disconnect', 'n1', 'removed'),
  'agents.connections': call('agents.connections'),
  'agents.info': call('agents.info'),
  'agents.invite': call('agents.invite', '10.0.0.2', 7701, { server: 'http://k:7700', token: 'tok-12345' }),
  'agents.discovered': call('agents.discovered'),
  'events.publish': call('events.publish', 'probe.hello', { n: 1 }),
  'events.emit': call('events.emit', 'probe.hello', { n: 2 }),
  'events.subscribe': call('events.subscribe', 'probe.*', noop),
  'system.read': call('system.read', 'memory'),
  'system.sample': call('system.sample', ['cpu', 'memory']),
  'crypto.sign': call('crypto.sign', 'payload'),
  'crypto.verify': call('crypto.verify', 'a.b.c'),
  'crypto.hash': call('crypto.hash', 'sha256', 'data'),
  'crypto.hashPassword': call('crypto.hashPassword', 'pw'),
  'crypto.verifyPassword': call('crypto.verifyPassword', 'pw', 'hash'),
  'crypto.random': call('crypto.random', 16),
  'crypto.seal': call('crypto.seal', 'plain', 'aad'),
  'crypto.open': call('crypto.open', 'sealed'),
  'crypto.mac': call('crypto.mac', ['data']),
  'crypto.verifyMac': call('crypto.verifyMac', [{ data: 'data', mac: 'k.mac' }]),
  fetch: call('fetch', 'https://example.org/x', { method: 'GET' }),
  'services.call': call('services.call', 'other.svc', { x: 1 }),
  'timers.every': call('timers.every', 1000, noop),
  'timers.after': call('timers.after', 1000, noop),
  'timers.cancel': call('timers.cancel', 1),
  'auth.signToken': call('auth.signToken', 'user-1', { jti: 'jti-12345', perms: [], deny: [] }, 60),
  'log.debug': call('log.debug', 'm'),
  'log.info': call('log.info', 'm', { a: 1 }),
  'log.warn': call('log.warn', 'm'),
  'log.error': call('log.error', 'm'),
};

const PROBE = `export const plugin = {
  routes: {
    async probe(req, ctx) {
      const surface = [];
      for (const k of Object.keys(ctx)) {
        const v = ctx[k];
        if (typeof v === 'function') surface.push(k);
        else if (v && typeof v === 'object') for (const m of Object.keys(v)) if (typeof v[m] === 'function') surface.push(k + '.' + m);
      }
      const results = [];
      for (const c of req.body.calls) {
        const parts = c.path.split('.');
        const owner = parts.length === 1 ? ctx : ctx[parts[0]];
        const fn = owner[parts[parts.length - 1]];
        const args = c.args.map((a) => (a === '${FN}' ? function () {} : a));
        try { await fn(...args); results.push({ path: c.path, code: null }); }
        catch (e) { results.push({ path: c.path, code: e.code ?? null }); }
      }
      return { status: 200, body: { surface, results } };
    },
  },
};
`;

describe('the prelude builds exactly the ctx surface the sdk is typed from', () => {
  let k: PluginKernel;
  beforeAll(async () => {
    k = await startPluginKernel({
      'ctx-probe': {
        code: PROBE,
        manifest: {
          permissions: ['http:routes'],
          routes: [{ method: 'POST', path: '/probe', handler: 'probe', permission: 'public' }],
        },
      },
    });
  });
  afterAll(() => k?.close());

  it('has every CTX_SURFACE method and no other, each reaching the host call the table names', async () => {
    const denied: BusEvent[] = [];
    const sub = k.kernel.bus.subscribe(['plugins.permission.denied'], (batch) => void denied.push(...batch));
    const calls = Object.values(CALLS);
    const res = await k.api('/api/v1/ctx-probe/probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ calls }),
    });
    expect(res.status).toBe(200);
    const { surface, results } = (await res.json()) as {
      surface: string[];
      results: Array<{ path: string; code: string | null }>;
    };
    expect([...surface].sort()).toEqual(Object.keys(CTX_SURFACE).sort());
    // A method without an answer (events.emit) returns at once; its denial is audited all the same.
    for (const r of results) {
      const spec: CtxMethodSpec = CTX_SURFACE[r.path as CtxMethodPath];
      const code = spec.noAnswer ? null : 'OMEGA_ERR_PERM_DENIED';
      expect(r, r.path).toEqual({ path: r.path, code });
    }
    await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    const reached = denied.map((e) => (e.data as { call: string }).call);
    expect(reached).toEqual(calls.map((c) => CTX_SURFACE[c.path].call));
    const publish = denied.find((e) => (e.data as { call: string }).call === 'events.publish');
    expect((publish?.data as { descriptor?: unknown } | undefined)?.descriptor).toEqual({
      kind: 'events.publish',
      topic: 'probe.hello',
    });
  });

  it('covers every host call of the protocol (directly or through a returned function)', () => {
    const reached = new Set<string>([
      ...Object.values(CTX_SURFACE).map((s) => s.call),
      ...CTX_INDIRECT_CALLS,
    ]);
    expect([...reached].sort()).toEqual([...HOST_CALL_NAMES].sort());
  });
});
