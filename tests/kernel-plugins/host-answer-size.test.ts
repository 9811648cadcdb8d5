import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLUGIN_LIMITS } from '../../kernel/sandbox/index.js';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

/*
 * Answers whose size is not the asking plugin's own (another plugin's service result), and list
 * pages whose size is the sum of many records, held to the asking plugin's maxCallBytes (1 MiB
 * by default) in UTF-8 bytes: a service's oversized answer is OMEGA_ERR_PLUGIN_LIMIT, a page
 * ends early with a cursor. Real kernel, real isolates, real records.
 */

const MAX = DEFAULT_PLUGIN_LIMITS.maxCallBytes;
/** A value of this many characters: three records fit one page, four do not. */
const RECORD_CHARS = 300_000;

// The provider answers whatever size it is asked for (its own limit, maxResultBytes, is 4 MiB).
const PROVIDER = `export const plugin = {
  services: { async blob(args) { return args.ch.repeat(args.n); } },
};
`;

const CLIENT = `const pages = async (list) => {
  const sizes = [];
  let cursor;
  let largest = 0;
  do {
    const page = await list(cursor);
    const items = page.items ?? page.entries;
    sizes.push(items.length);
    largest = Math.max(largest, JSON.stringify(page).length);
    cursor = page.nextCursor;
  } while (cursor);
  return { pages: sizes, largest };
};
export const plugin = {
  routes: {
    async blob(req, ctx) {
      try {
        const s = await ctx.services.call('provider.blob', req.body);
        return { status: 200, body: { chars: s.length } };
      } catch (err) { return { status: 200, body: { code: String(err.code) } }; }
    },
    async fill(req, ctx) {
      const value = 'v'.repeat(${RECORD_CHARS});
      for (let i = 0; i < 5; i++) {
        await ctx.storage.set('blobs', 'r' + i, value);
        await ctx.ephemeral.set('blobs', 'r' + i, value);
      }
      return { status: 200, body: {} };
    },
    async storage(_req, ctx) {
      return { status: 200, body: await pages((cursor) => ctx.storage.list('blobs', { limit: 1000, cursor })) };
    },
    async ephemeral(_req, ctx) {
      return { status: 200, body: await pages((cursor) => ctx.ephemeral.list('blobs', { limit: 10000, cursor })) };
    },
  },
};
`;

describe('answers larger than the asking plugin’s maxCallBytes', () => {
  let k: PluginKernel;

  beforeAll(async () => {
    k = await startPluginKernel(
      {
        provider: { code: PROVIDER, manifest: { services: [{ name: 'blob' }] } },
        client: {
          code: CLIENT,
          manifest: {
            permissions: ['http:routes', 'services:call:provider.blob', 'storage'],
            routes: ['blob', 'fill', 'storage', 'ephemeral'].map((r) => ({
              method: 'POST',
              path: `/${r}`,
              handler: r,
              permission: 'public',
            })),
          },
        },
      },
      { plugins: { warmHosts: 0 } },
    );
  });
  afterAll(async () => {
    await k?.close();
  });

  const post = async (route: string, body: unknown = {}): Promise<unknown> => {
    const res = await k.api(`/api/v1/client/${route}`, {
      method: 'POST',
      token: false,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('a service answer over it is OMEGA_ERR_PLUGIN_LIMIT, counted in UTF-8 bytes', async () => {
    const under = MAX - 1024;
    expect(await post('blob', { ch: 'x', n: under })).toEqual({ chars: under });
    expect(await post('blob', { ch: 'x', n: MAX + 1024 })).toEqual({ code: 'OMEGA_ERR_PLUGIN_LIMIT' });
    // Fewer characters than the limit, but two bytes each: over it.
    const wide = Math.ceil(MAX * 0.6);
    expect(wide).toBeLessThan(MAX);
    expect(await post('blob', { ch: 'é', n: wide })).toEqual({ code: 'OMEGA_ERR_PLUGIN_LIMIT' });
  });

  it('a storage or ephemeral list page ends before it, with a cursor to the rest', async () => {
    await post('fill');
    for (const route of ['storage', 'ephemeral']) {
      const { pages, largest } = (await post(route)) as { pages: number[]; largest: number };
      expect({ route, pages }).toEqual({ route, pages: [3, 2] });
      expect(largest).toBeLessThanOrEqual(MAX);
    }
  });
});
