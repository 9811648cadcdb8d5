import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { omegaError } from '../../kernel/errors/index.js';
import type { RouteInput } from '../../kernel/http/route.js';
import type { DiscoveredPlugin } from '../../kernel/plugins/discover-plugins.js';
import { callCount, createEntry } from '../../kernel/plugins/manager/plugin-entry.js';
import { pluginRoute } from '../../kernel/plugins/manager/plugin-route.js';
import type { PluginInstance } from '../../kernel/sandbox/index.js';
import { quietLogger } from '../sandbox/helpers.js';

/*
 * The plugin route counts its call in flight by hand (callCount, not track's extra promise): each
 * call must be entered once and left once on every way it can end, or a stop would wait for a
 * call that ended (the count never back to 0) or pass one still running (the count too low).
 * The plugin instance is the one thing stood in for: what it answers or throws is the case.
 */

type Invoke = PluginInstance['invoke'];
const entry = () => createEntry({ dir: '/nowhere', code: '' } as DiscoveredPlugin, []);
const input = (): RouteInput<unknown> => ({
  body: undefined,
  principal: null,
  requestId: 'req-1',
  headers: {},
});

/** A hono app with one plugin route whose instance answers with `invoke`; thrown errors answer their code. */
function rig(invoke: Invoke) {
  const e = entry();
  const instance = { name: 'p', version: '1.0.0', invoke } as unknown as PluginInstance;
  const spec = pluginRoute('p', { method: 'GET', path: '/x', handler: 'x', permission: 'public' } as never, {
    instance: () => instance,
    deadlineMs: 1000,
    calls: callCount(e),
    logger: quietLogger(),
  });
  const app = new Hono();
  app.get(spec.path, async (c) => {
    try {
      // As the kernel's app does: the route's check, then its handler.
      const i = input();
      spec.check?.(c, i);
      return await spec.handler(c, i);
    } catch (err) {
      return c.json(
        { thrown: (err as { code?: string }).code ?? 'none', message: (err as Error).message },
        500,
      );
    }
  });
  const get = async () => {
    const res = await app.request(spec.path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { e, get };
}

const answer = (status: number, body: unknown) => JSON.stringify({ status, headers: {}, body });

describe('the plugin route counts each call once, however it ends', () => {
  it('counts a call while it runs and not after its answer', async () => {
    let release!: (json: string) => void;
    const { e, get } = rig(() => new Promise<string>((r) => (release = r)));
    const done = get();
    await new Promise((r) => setImmediate(r));
    expect(e.inflight).toBe(1);
    release(answer(200, { ok: true }));
    expect(await done).toEqual({ status: 200, body: { ok: true } });
    expect(e.inflight).toBe(0);
  });

  const failures: Array<[string, Invoke, string]> = [
    ['an answer that is not JSON', () => Promise.resolve('{'), 'OMEGA_ERR_PLUGIN_FAILED'],
    ['an answer with a 1xx status', () => Promise.resolve(answer(101, null)), 'OMEGA_ERR_PLUGIN_FAILED'],
    [
      'a failed handler',
      () => Promise.reject(omegaError('OMEGA_ERR_PLUGIN_FAILED', 'secret path /etc/x in the plugin')),
      'OMEGA_ERR_PLUGIN_FAILED',
    ],
    [
      'a full disk',
      () => Promise.reject(omegaError('OMEGA_ERR_STORAGE_FULL', 'no space')),
      'OMEGA_ERR_STORAGE_FULL',
    ],
    [
      'an instance that throws instead of rejecting',
      () => {
        throw omegaError('OMEGA_ERR_PLUGIN_FAILED', 'secret path /etc/x in the plugin');
      },
      'OMEGA_ERR_PLUGIN_FAILED',
    ],
  ];
  it.each(failures)(
    'leaves the count at 0 after %s, answering in the kernel’s words',
    async (_, invoke, code) => {
      const { e, get } = rig(invoke);
      const res = await get();
      expect(res.body.thrown).toBe(code);
      expect(String(res.body.message)).not.toContain('/etc/x');
      expect(e.inflight).toBe(0);
    },
  );

  it('passes an error the plugin chose to expose on as the answer, and leaves the count at 0', async () => {
    const exposed = omegaError('OMEGA_ERR_PLUGIN_FAILED', 'not found', {
      pluginError: { status: 404, code: 'P_ERR_MISSING', message: 'no such thing' },
    });
    const { e, get } = rig(() => Promise.reject(exposed));
    const res = await get();
    expect(res).toMatchObject({
      status: 404,
      body: { code: 'P_ERR_MISSING', detail: 'no such thing', plugin: 'p' },
    });
    expect(e.inflight).toBe(0);
  });
});
