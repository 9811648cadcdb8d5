import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../kernel/plugins/index.js';
import { removeDir, type TempKernel } from '../helpers/temp-kernel.js';
import { metricsPluginsDir, startMetricsKernel, waitFor } from '../metrics/metrics-kernel.js';

/*
 * Honest outcomes: a mutating request whose plugin host dies (kill -9) or misses its deadline
 * answers OMEGA_ERR_OUTCOME_UNKNOWN when a write may have happened, and a plain
 * "unavailable"/"timeout" only when none can have. Real kernel, real plugin hosts, real kills.
 */

const WRITER = `export const plugin = {
  routes: {
    // Writes, then never answers: the deadline kills the host after the write is stored.
    async writeThenHang(req, ctx) {
      await ctx.storage.set('items', req.body.id, { at: 1 });
      for (;;) {}
    },
    // Never writes and never answers.
    async hangBeforeWrite(req, ctx) {
      for (;;) {}
    },
    async get(req, ctx) {
      const v = await ctx.storage.get('items', req.params.id);
      return { status: v ? 200 : 404, body: { found: Boolean(v) } };
    },
  },
};`;

type Problem = { code?: string; status?: number; fix?: string };

describe('outcome unknown', () => {
  let k: TempKernel;
  let plugins: { dir: string; grantsFile: string };

  beforeAll(async () => {
    plugins = await metricsPluginsDir();
    const target = join(plugins.dir, 'writer');
    mkdirSync(target);
    writeFileSync(join(target, 'plugin.js'), WRITER);
    writeFileSync(
      join(target, 'plugin.json'),
      JSON.stringify({
        name: 'writer',
        version: '1.0.0',
        engines: { omega: '>=0.0.0' },
        main: 'plugin.js',
        integrity: computeIntegrity(Buffer.from(WRITER)),
        permissions: ['http:routes', 'storage'],
        limits: { callTimeoutMs: 1000 },
        routes: [
          { method: 'POST', path: '/write-then-hang', handler: 'writeThenHang', permission: 'public' },
          { method: 'POST', path: '/hang', handler: 'hangBeforeWrite', permission: 'public' },
          { method: 'GET', path: '/items/:id', handler: 'get', permission: 'public' },
        ],
      }),
    );
    const grants = JSON.parse(readFileSync(plugins.grantsFile, 'utf8')) as Record<string, unknown>;
    grants.writer = { granted: ['http:routes', 'storage'], denied: [] };
    writeFileSync(plugins.grantsFile, JSON.stringify(grants));
    k = await startMetricsKernel(plugins);
    await waitFor(() => running('writer'));
    await waitFor(() => running('metrics'));
  }, 120_000);

  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (plugins) removeDir(plugins.dir);
  });

  /** The pid of the plugin's running host, when it runs in another host than `not`. */
  async function running(name: string, not?: number): Promise<number | undefined> {
    const v = (await (await k.api(`/api/v1/plugins/${name}`)).json()) as {
      runtime?: { state?: string; pid?: number };
    };
    return v.runtime?.state === 'running' && v.runtime.pid !== not ? v.runtime.pid : undefined;
  }

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    k.api(`/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('a deadline kill after a stored write answers OUTCOME_UNKNOWN (and the write is there)', async () => {
    const pid = await waitFor(() => running('writer'));
    const res = await post('/writer/write-then-hang', { id: 'a1' });
    const body = (await res.json()) as Problem;
    expect(res.status).toBe(500);
    expect(body.code).toBe('OMEGA_ERR_OUTCOME_UNKNOWN');
    await waitFor(() => running('writer', pid));
    expect((await k.api('/api/v1/writer/items/a1')).status).toBe(200);
  }, 60_000);

  it('a deadline kill before any write answers a plain timeout, and nothing is stored', async () => {
    const pid = await waitFor(() => running('writer'));
    const res = await post('/writer/hang', { id: 'a2' });
    const body = (await res.json()) as Problem;
    expect(body.code).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    await waitFor(() => running('writer', pid));
    expect((await k.api('/api/v1/writer/items/a2')).status).toBe(404);
  }, 60_000);

  it('an Idempotency-Key keeps an unknown outcome: the retry gets it again and never runs the write twice', async () => {
    const key = { 'idempotency-key': 'unknown-outcome-1' };
    const pid = await waitFor(() => running('writer'));
    const first = await post('/writer/write-then-hang', { id: 'k1' }, key);
    expect(((await first.json()) as Problem).code).toBe('OMEGA_ERR_OUTCOME_UNKNOWN');
    const next = await waitFor(() => running('writer', pid));
    const retry = await post('/writer/write-then-hang', { id: 'k1' }, key);
    expect(retry.status).toBe(500);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(((await retry.json()) as Problem).code).toBe('OMEGA_ERR_OUTCOME_UNKNOWN');
    // The handler did not run again: it would have hung and cost the host its life.
    expect(await running('writer')).toBe(next);
    expect((await k.api('/api/v1/writer/items/k1')).status).toBe(200);
  }, 60_000);

  it('an Idempotency-Key is released by a plain timeout (nothing was done): the retry runs', async () => {
    const key = { 'idempotency-key': 'plain-timeout-1' };
    const pid = await waitFor(() => running('writer'));
    const first = await post('/writer/hang', { id: 'k2' }, key);
    expect(((await first.json()) as Problem).code).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    const next = await waitFor(() => running('writer', pid));
    const retry = await post('/writer/hang', { id: 'k2' }, key);
    expect(retry.headers.get('idempotency-replayed')).toBeNull();
    expect(((await retry.json()) as Problem).code).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    // It ran again: the same deadline ended the host it ran in.
    expect(await running('writer')).not.toBe(next);
  }, 60_000);

  it('kill -9 of the metrics host at random points during alert-rule writes: no answer lies', async () => {
    const tally: Record<string, number> = {};
    for (let round = 0; round < 8; round++) {
      // Four crashes stay below the quarantine threshold; a reload starts a fresh history.
      if (round === 4) await k.api('/api/v1/plugins/metrics/reload', { method: 'POST' });
      const pid = await waitFor(() => running('metrics'));
      const id = `rule-${round}`;
      const pending = post('/metrics/alerts/rules', { id, series: 'load.1', comparator: '>', threshold: 99 });
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 25)));
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      const res = await pending;
      const body = (await res.json()) as Problem;
      const outcome = res.status === 201 ? 'created' : (body.code ?? String(res.status));
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      expect(['created', 'OMEGA_ERR_OUTCOME_UNKNOWN', 'OMEGA_ERR_PLUGIN_UNAVAILABLE']).toContain(outcome);
      await waitFor(() => running('metrics', pid));
      const stored = (await k.api(`/api/v1/metrics/alerts/rules/${id}`)).status;
      // 201 means stored; "unavailable" means nothing was stored; only "unknown" may go either way.
      if (outcome === 'created') expect(stored).toBe(200);
      if (outcome === 'OMEGA_ERR_PLUGIN_UNAVAILABLE') expect(stored).toBe(404);
    }
    console.info('outcomes after kill -9:', JSON.stringify(tally));
    expect(Object.values(tally).reduce((a, b) => a + b, 0)).toBe(8);
  }, 180_000);
});
