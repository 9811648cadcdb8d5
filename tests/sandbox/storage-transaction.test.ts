import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

/* ctx.storage.transaction from a real plugin in a real sandbox: all or nothing, version checks, one namespace. */

const PLUGIN = `export const plugin = {
  routes: {
    async tx(req, ctx) {
      try {
        return { status: 200, body: await ctx.storage.transaction(req.body.ops) };
      } catch (e) {
        return { status: 409, body: { code: e.code, message: e.message } };
      }
    },
    async get(req, ctx) {
      const r = await ctx.storage.get(req.params.c, req.params.id);
      return { status: 200, body: r ? { version: r.version, value: r.value } : null };
    },
  },
};`;

describe('storage.transaction host call', () => {
  let k: PluginKernel;

  beforeAll(async () => {
    k = await startPluginKernel(
      {
        txer: {
          code: PLUGIN,
          manifest: {
            permissions: ['http:routes', 'storage'],
            routes: [
              { method: 'POST', path: '/tx', handler: 'tx', permission: 'public' },
              { method: 'GET', path: '/r/:c/:id', handler: 'get', permission: 'public' },
            ],
          },
        },
      },
      { plugins: { warmHosts: 0 } },
    );
  }, 60_000);
  afterAll(() => k?.close());

  const tx = async (ops: unknown[]) => {
    const res = await k.api('/api/v1/txer/tx', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ops }),
    });
    return { status: res.status, body: (await res.json()) as { code?: string } & unknown[] };
  };
  const get = async (c: string, id: string) =>
    (await (await k.api(`/api/v1/txer/r/${c}/${id}`)).json()) as {
      version: number;
      value: unknown;
    } | null;

  it('applies every op, in order, or none when a version check fails', async () => {
    const ok = await tx([
      { op: 'set', collection: 'names', id: 'ann', value: { id: 'u1' }, expectedVersion: 0 },
      { op: 'set', collection: 'users', id: 'u1', value: { name: 'ann' }, expectedVersion: 0 },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject([
      { op: 'set', record: { id: 'ann', version: 1 } },
      { op: 'set', record: { id: 'u1' } },
    ]);
    const conflict = await tx([
      { op: 'set', collection: 'users', id: 'u2', value: { name: 'ann' }, expectedVersion: 0 },
      { op: 'set', collection: 'names', id: 'ann', value: { id: 'u2' }, expectedVersion: 0 },
    ]);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('OMEGA_ERR_CONFLICT');
    expect(await get('users', 'u2')).toBeNull();
    expect(await get('names', 'ann')).toEqual({ version: 1, value: { id: 'u1' } });
    const del = await tx([
      { op: 'delete', collection: 'users', id: 'u1', expectedVersion: 1 },
      { op: 'delete', collection: 'names', id: 'ann' },
      { op: 'delete', collection: 'names', id: 'nobody' },
    ]);
    expect(del.body).toEqual([
      { op: 'delete', deleted: true },
      { op: 'delete', deleted: true },
      { op: 'delete', deleted: false },
    ]);
    expect(await get('names', 'ann')).toBeNull();
  });

  it('refuses malformed ops before anything runs', async () => {
    expect((await tx([])).body.code).toBe('OMEGA_ERR_VALIDATION');
    expect((await tx([{ op: 'rename', collection: 'a', id: 'b' }])).body.code).toBe('OMEGA_ERR_VALIDATION');
    const many = Array.from({ length: 1001 }, (_, i) => ({ op: 'delete', collection: 'a', id: `x${i}` }));
    expect((await tx(many)).body.code).toBe('OMEGA_ERR_VALIDATION');
  });
});
