import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { RouteInput } from '../../kernel/http/route.js';
import type { DiscoveredPlugin } from '../../kernel/plugins/discover-plugins.js';
import { callCount, createEntry } from '../../kernel/plugins/manager/plugin-entry.js';
import { pluginRoute } from '../../kernel/plugins/manager/plugin-route.js';
import type { PluginInstance } from '../../kernel/sandbox/index.js';
import { quietLogger } from '../sandbox/helpers.js';

/*
 * A plugin's JSON body reaches the client as the plugin wrote it when its answer has the usual
 * shape (readRouteAnswer's bodyJson), not parsed and written again; everything the kernel does
 * to a response still happens. The plugin instance is the one thing stood in for: its answer
 * text is the case.
 */

const input = (): RouteInput<unknown> => ({
  body: undefined,
  principal: null,
  requestId: 'req-1',
  headers: {},
});

/** The client's answer when the plugin answers `text`; a thrown error answers 500 with its code. */
async function answerTo(text: string) {
  const instance = { name: 'p', version: '1.0.0', invoke: async () => text } as unknown as PluginInstance;
  const spec = pluginRoute('p', { method: 'GET', path: '/x', handler: 'x', permission: 'public' } as never, {
    instance: () => instance,
    deadlineMs: 1000,
    calls: callCount(createEntry({ dir: '/nowhere', code: '' } as DiscoveredPlugin, [])),
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
      return c.json({ thrown: (err as { code?: string }).code ?? 'none' }, 500);
    }
  });
  const res = await app.request(spec.path);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    csp: res.headers.get('content-security-policy'),
    text: await res.text(),
  };
}

describe("a plugin route's JSON body", () => {
  it('goes out as the plugin wrote it, with the kernel headers, for a literal answer and the sdk json() shape', async () => {
    const literal = await answerTo('{"status":200,"body":{"n": 1e2, "big":12345678901234567890}}');
    expect(literal).toMatchObject({
      status: 200,
      type: 'application/json',
      text: '{"n": 1e2, "big":12345678901234567890}',
    });
    expect(literal.csp).toBe("sandbox; default-src 'none'");
    const sdk = await answerTo(
      '{"status":201,"headers":{"content-type":"application/problem+json"},"body":[1]}',
    );
    expect(sdk).toMatchObject({ status: 201, type: 'application/problem+json', text: '[1]' });
  });

  it('is parsed and written again when the answer has another shape or names __proto__', async () => {
    expect(await answerTo('{"body":{"a": 1},"status":200}')).toMatchObject({ status: 200, text: '{"a":1}' });
    expect(await answerTo('{"status":200,"body":{"__proto__":{"x":1},"a": 1}}')).toMatchObject({
      status: 200,
      text: '{"a":1}',
    });
  });

  it('is still refused when the answer is malformed, a member follows the body, or a header is forbidden', async () => {
    for (const text of [
      '{"status":200,"body":{"a":1}',
      '{"status":200,"body":{"a":1},}',
      '{"status":0200,"body":1}',
      '{"status":200,"headers":{"x-a":"1\\r\\nset-cookie: a=b"},"body":1}',
    ])
      expect(await answerTo(text), text).toMatchObject({
        status: 500,
        text: '{"thrown":"OMEGA_ERR_PLUGIN_FAILED"}',
      });
    // the status given last wins, as JSON.parse reads it (here an out-of-range one: refused)
    expect(await answerTo('{"status":200,"body":1,"status":700}')).toMatchObject({ status: 500 });
    // a header given again after the body is the one read, and a kernel-only one is dropped
    const again = await answerTo(
      '{"status":200,"headers":{"x-a":"1"},"body":1,"headers":{"set-cookie":"a=b"}}',
    );
    expect(again).toMatchObject({ status: 200, text: '1' });
  });
});
