import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBodyBudget, readBody, safeFetch } from '../../kernel/net/index.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, codeOf, quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

// Red team F4: one plugin started 256 fetches of 8 MB bodies at once and the kernel buffered
// them all (5.7 GB RSS); fetches also outlived the plugin that asked for them.

/** Polls `cond` until true (no deadline: the test runner's own timeout catches a hang). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

describe('outbound fetches are bounded per plugin and kernel-wide, and end with the plugin', () => {
  let server: Server;
  let origin: string;
  let sb: Sandbox;
  const open: ServerResponse[] = [];
  let seen = 0;
  let peak = 0;
  let plugins = 0;

  beforeAll(async () => {
    server = createServer((q, r) => {
      if (q.url?.startsWith('/size/')) {
        r.end('x'.repeat(Number(q.url.slice(6))));
        return;
      }
      // Held: a slow response body that the test releases one at a time.
      seen++;
      open.push(r);
      // Counted by responses not yet released: a released one may still be closing.
      peak = Math.max(peak, open.filter((x) => !x.writableEnded).length);
      r.on('close', () => open.splice(open.indexOf(r), 1));
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.write('partial ');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sb = createSandbox({ logger: quietLogger() });
  });
  afterAll(async () => {
    await sb.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    expect(await childPids()).toEqual([]);
  });

  const fetcher = (): Promise<PluginInstance> =>
    startInline(sb, {
      name: `fetcher${++plugins}`,
      code: `
        let done = 0;
        export const plugin = {
          routes: {
            async go(req, ctx) {
              for (let i = 0; i < req.body.n; i++) ctx.fetch('${origin}/held/' + i).then(() => done++, () => done++);
              return { status: 202 };
            },
            async done() { return { status: 200, body: done }; },
          },
        };`,
      permissions: ['http:routes', `net:fetch:${origin}`],
      services: {
        fetch: (url, init, signal) =>
          safeFetch(url, init ?? {}, {
            allowOrigin: (o) => o === origin,
            allowPrivate: true,
            maxBytes: 1024 * 1024,
            timeoutMs: 5_000,
            ...(signal ? { signal } : {}),
          }),
      },
    });

  it('at most four fetches of one plugin are in flight; the rest wait their turn', async () => {
    seen = 0;
    peak = 0;
    const p = await fetcher();
    await callRoute(p, 'go', req({ body: { n: 12 } }));
    await until(() => seen >= 4);
    for (let i = 1; i <= 8; i++) {
      open.find((x) => !x.writableEnded)!.end('done');
      await until(() => seen >= 4 + i);
    }
    for (const r of open) if (!r.writableEnded) r.end('done');
    await until(() => open.length === 0);
    expect(seen).toBe(12);
    expect(peak).toBe(4);
    await p.dispose();
  });

  it("a plugin's in-flight and queued fetches are aborted when its session ends", async () => {
    seen = 0;
    peak = 0;
    const p = await fetcher();
    await callRoute(p, 'go', req({ body: { n: 8 } }));
    await until(() => seen >= 4);
    await p.dispose();
    // The kernel closed the four held connections itself, and started none of the queued four.
    await until(() => open.length === 0);
    expect(seen).toBe(4);
    expect(await codeOf(callRoute(p, 'done', req()))).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
  });

  it('fetched bodies read at once share a kernel-wide byte budget', async () => {
    const fetchRes = (n: number) =>
      new Promise<IncomingMessage>((resolve, reject) =>
        get(`${origin}/size/${n}`, resolve).on('error', reject),
      );
    const budget = createBodyBudget(1000);
    const signal = new AbortController().signal;
    budget.take(500); // another body being read
    const err = await readBody(await fetchRes(800), 10_000, signal, budget).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OMEGA_ERR_PLUGIN_LIMIT', extras: { limit: 'fetchBodyBudget' } });
    expect(budget.used).toBe(500);
    budget.give(500);
    expect((await readBody(await fetchRes(800), 10_000, signal, budget)).bytes.length).toBe(800);
    expect(budget.used).toBe(0);
  });
});
