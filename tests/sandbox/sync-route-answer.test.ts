import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, codeOf, quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/**
 * A route handler that answers at once (returns no thenable) is answered in the same entry into
 * the isolate: its answer is dispatch's return value, not a post through the ivm.Callback after a
 * microtask (issue #13, host-cpu). Each hostile answer is still refused exactly as an async
 * handler's is; the pairs below run the same answer both ways.
 */
const CODE = `
const bad = {
  big: () => ({ status: 200, body: 'x'.repeat(12 * 1024 * 1024) }),
  multibyte: () => ({ status: 200, body: '\\u00e9\\u00e9\\u00e9'.repeat(1024 * 1024) }),
  notJson: () => ({ status: 200, body: 10n }),
  nothing: () => undefined,
  wrongStatus: () => ({ status: 'teapot', body: 1 }),
  malformedToJson: () => ({ toJSON() { return { status: 200, body: { n: 1 } }; } }),
  throwsCoded: () => { const e = new Error('gone'); e.code = 'OMEGA_ERR_NOT_FOUND'; e.status = 404; throw e; },
  throwingToJson: () => ({ status: 200, body: { toJSON() { throw new Error('no'); } } }),
  fn: () => function () {},
  // A thenable (not a native promise) is still awaited; a throwing 'then' getter is the handler's error.
  thenable: () => ({ then(res) { res({ status: 200, body: 'later' }); } }),
  throwingThen: () => ({ get then() { const e = new Error('then'); e.code = 'OMEGA_ERR_CONFLICT'; throw e; } }),
  throwsPlain: () => { throw 'plain'; },
};
const routes = {};
for (const [name, f] of Object.entries(bad)) {
  routes['sync_' + name] = f;
  routes['async_' + name] = async () => f();
}
// The answer as it was when the handler returned: a microtask it queued runs after the answer was read.
routes.readAtReturn = () => {
  const r = { status: 200, body: { n: 1 } };
  Promise.resolve().then(() => { r.body.n = 2; });
  return r;
};
export const plugin = { routes };
`;

describe('a route handler answering at once', () => {
  let sb: Sandbox;
  let p: PluginInstance;

  beforeAll(async () => {
    sb = createSandbox({ logger: quietLogger(), restart: { baseDelayMs: 10 } });
    p = await startInline(sb, { name: 'sync-answers', code: CODE, permissions: ['http:routes'] });
  });

  afterAll(async () => {
    await sb.close();
    expect(await childPids()).toEqual([]);
  });

  it('is its answer as it was when the handler returned', async () => {
    expect(await callRoute(p, 'readAtReturn', req())).toEqual({ status: 200, headers: {}, body: { n: 1 } });
  });

  it('refuses every hostile answer, and awaits a thenable, as for an async handler', async () => {
    const pid = p.status().pid;
    const cases = [
      'big',
      'multibyte',
      'notJson',
      'nothing',
      'wrongStatus',
      'malformedToJson',
      'throwsCoded',
      'throwingToJson',
      'fn',
      'thenable',
      'throwingThen',
      'throwsPlain',
    ];
    for (const c of cases) {
      const sync = await callRoute(p, `sync_${c}`, req()).then(
        (r) => ({ ok: r }),
        (e: { code?: string; status?: number }) => ({ code: e.code, status: e.status }),
      );
      const async = await callRoute(p, `async_${c}`, req()).then(
        (r) => ({ ok: r }),
        (e: { code?: string; status?: number }) => ({ code: e.code, status: e.status }),
      );
      expect({ c, ...sync }).toEqual({ c, ...async });
    }
    expect(await codeOf(callRoute(p, 'sync_big', req()))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(await codeOf(callRoute(p, 'sync_multibyte', req()))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(await codeOf(callRoute(p, 'sync_notJson', req()))).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect((await callRoute(p, 'sync_thenable', req())).body).toBe('later');
    expect(p.status()).toMatchObject({ state: 'running', pid, restarts: 0 });
  });

  it('still says a missing handler is missing', async () => {
    expect(await codeOf(callRoute(p, 'noSuchRoute', req()))).toBe(
      await codeOf(callRoute(p, 'toString', req())),
    );
  });
});

describe('a definition whose routes getter throws once active', () => {
  it('fails the call, not the host', async () => {
    const sb = createSandbox({ logger: quietLogger(), restart: { baseDelayMs: 10 } });
    try {
      const p = await startInline(sb, {
        name: 'throwing-routes',
        permissions: ['http:routes'],
        code: `let reads = 0;
export const plugin = { setup() { return { get routes() { if (reads++ > 0) throw new Error('no routes'); return { a() { return { status: 200, body: 1 }; } }; } }; } };`,
      });
      const pid = p.status().pid;
      expect(await codeOf(callRoute(p, 'a', req()))).toBe('OMEGA_ERR_PLUGIN_FAILED');
      expect(p.status()).toMatchObject({ state: 'running', pid, restarts: 0 });
    } finally {
      await sb.close();
    }
  });
});
