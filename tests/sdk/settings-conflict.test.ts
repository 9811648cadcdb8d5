import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type Doc,
  METRICS_DIR,
  NODES_DIR,
  type NodesKernel,
  startNodesKernel,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';

const PLUGINS = join(NODES_DIR, '..');

/*
 * The three plugins' settings writes share the sdk's settingsWriteBody: through a real kernel with
 * nodes, sessions and resources as shipped, a stale version gets the same 409 problem+json from each
 * (code, the current version to read again, the same words) and changes nothing; a current one is
 * taken.
 */
describe('settings writes of nodes, sessions and resources: one conflict answer (settingsWriteBody)', () => {
  let k: NodesKernel;
  beforeAll(async () => {
    k = await startNodesKernel({
      with: [join(PLUGINS, 'sessions'), join(PLUGINS, 'resources'), METRICS_DIR],
    });
    for (const p of ['sessions', 'resources'])
      expect(k.kernel.plugins.info(p).status, JSON.stringify(k.kernel.plugins.info(p))).toBe('running');
  }, 120_000);
  afterAll(() => k?.close());

  // each plugin's write, with one valid change in its own terms
  const writes: Array<[plugin: string, method: string, change: Doc]> = [
    ['nodes', 'PUT', { downAfterMs: 60_000 }],
    ['sessions', 'PATCH', { placement: 'spread' }],
    ['resources', 'PUT', { probe: { intervalMs: 20_000 } }],
  ];

  it.each(writes)(
    '%s: a stale version is a 409 naming the current one; the current version is taken',
    async (plugin, method, change) => {
      const path = `/api/v1/${plugin}/settings`;
      const before = (await api<Doc>(k, path)).body;
      const current = before.version as number;
      const stale = await api<Doc>(k, path, { method, body: { ...change, version: current + 5 } });
      expect([stale.status, stale.body.code, stale.body.version]).toEqual([
        409,
        'OMEGA_ERR_CONFLICT',
        current,
      ]);
      expect(stale.body.detail).toBe(
        `The settings are at version ${current}, not ${current + 5}: read them again and retry.`,
      );
      expect((await api<Doc>(k, path)).body.version).toBe(current); // the refused write changed nothing
      const taken = await api<Doc>(k, path, { method, body: { ...change, version: current } });
      expect(taken.status, JSON.stringify(taken.body)).toBe(200);
      expect(taken.body.version).toBeGreaterThan(current);
      // what was current a moment ago is stale now
      const again = await api<Doc>(k, path, { method, body: { ...change, version: current } });
      expect([again.status, again.body.version]).toEqual([409, taken.body.version]);
    },
  );

  it('resources: writes racing on one version — one is taken, every other gets the same 409, also when it passed the check before the winner was saved', async () => {
    const path = '/api/v1/resources/settings';
    const current = (await api<Doc>(k, path)).body.version as number;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api<Doc>(k, path, {
          method: 'PUT',
          body: { probe: { intervalMs: 21_000 + i * 1000 }, version: current },
        }),
      ),
    );
    const taken = answers.filter((a) => a.status === 200);
    expect(taken, JSON.stringify(answers.map((a) => a.status))).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect([a.status, a.body.code, a.body.version]).toEqual([409, 'OMEGA_ERR_CONFLICT', current + 1]);
      expect(a.body.detail).toBe(
        `The settings are at version ${current + 1}, not ${current}: read them again and retry.`,
      );
    }
    expect((await api<Doc>(k, path)).body.version).toBe(current + 1);
  });
});
