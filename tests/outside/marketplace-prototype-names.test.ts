import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachMarketplace } from '../../marketplace/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { createFixtureRepo, type FixtureRepo } from '../marketplace/fixture-repo.js';

const route = { method: 'GET', path: '/hello', handler: 'hello', permission: 'hello:read' };

/**
 * Names a plugin may have (`^[a-z][a-z0-9-]{1,39}$`) that are also Object.prototype's: the index
 * and the installed state are parsed JSON, so `plugins["constructor"]` found Object itself
 * (GET /api/v1/marketplace/plugins/constructor was a 500 on an installed omega).
 */
describe('the marketplace API, asked about plugins named like Object.prototype members', () => {
  let k: TempKernel;
  let repo: FixtureRepo;

  beforeAll(async () => {
    repo = await createFixtureRepo();
    await repo.release({ name: 'hello', version: '1.0.0', permissions: ['http:routes'], routes: [route] });
    k = await startTempKernel({ plugins: { dirs: [] } });
    attachMarketplace(k.kernel, { healthWindowMs: 300 });
    const res = await k.api('/api/v1/marketplace/sources', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'local',
        location: repo.dir,
        root: readFileSync(join(repo.dir, 'root.json'), 'utf8'),
      }),
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (repo) rmSync(repo.dir, { recursive: true, force: true });
  });

  it.each(['constructor', 'hasownproperty', 'tostring', 'valueof'])(
    'GET /marketplace/plugins/%s is a 404 problem, never a 500',
    async (name) => {
      const res = await k.api(`/api/v1/marketplace/plugins/${name}`);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 404, code: 'OMEGA_ERR_PLUGIN_NOT_FOUND' });
    },
  );

  it('install, rollback and remove of "constructor" are refused with a coded 4xx, nothing removed', async () => {
    for (const [path, body] of [
      ['/api/v1/marketplace/plan', { op: 'install', name: 'constructor' }],
      ['/api/v1/marketplace/plan', { op: 'rollback', name: 'constructor' }],
    ] as const) {
      const res = await k.api(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const problem = (await res.json()) as { status: number; code: string };
      expect(problem.status, JSON.stringify(problem)).toBeGreaterThanOrEqual(400);
      expect(problem.status, JSON.stringify(problem)).toBeLessThan(500);
    }
    const removed = await k.api('/api/v1/marketplace/remove', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'constructor' }),
    });
    expect(await removed.json()).toMatchObject({ status: 404, code: 'OMEGA_ERR_PLUGIN_NOT_FOUND' });
  });
});
