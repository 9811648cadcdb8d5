import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutSecrets } from '../../marketplace/api/marketplace-routes.js';
import { attachMarketplace, type DownloadProgress, type Marketplace } from '../../marketplace/index.js';
import { setReleaseStatus } from '../../marketplace/publish/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { createFixtureRepo, type FixtureRepo, refusal } from './fixture-repo.js';

const code = (tag: string) =>
  `export const plugin = { routes: { async hello() { return { status: 200, body: { hello: '${tag}' } }; } } };\n`;
const route = { method: 'GET', path: '/hello', handler: 'hello', permission: 'hello:read' };
const failing = `export const plugin = { activate() { throw new Error('broken release'); }, routes: { async hello() { return { status: 200, body: {} }; } } };\n`;

describe('marketplace install, upgrade, rollback in a running kernel (offline directory source)', () => {
  let k: TempKernel;
  let repo: FixtureRepo;
  let m: Marketplace;
  const hello = async () => (await (await k.api('/api/v1/hello/hello')).json()) as { hello?: string };

  beforeAll(async () => {
    repo = await createFixtureRepo();
    await repo.release(
      { name: 'hello', version: '1.0.0', permissions: ['http:routes'], routes: [route] },
      code('v1.0.0'),
    );
    k = await startTempKernel({ plugins: { dirs: [] } });
    m = attachMarketplace(k.kernel, { healthWindowMs: 400 }).marketplace;
    await m.addSource({
      name: 'local',
      location: repo.dir,
      root: readFileSync(join(repo.dir, 'root.json'), 'utf8'),
    });
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (repo) removeDir(repo.dir);
  });

  it('the admin routes need a token (plugins:read / plugins:admin)', async () => {
    expect((await k.api('/api/v1/marketplace/search', { token: false })).status).toBe(401);
    const r = await k.api('/api/v1/marketplace/install', {
      method: 'POST',
      token: false,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(401);
    const ok = await k.api('/api/v1/marketplace/search?q=hel');
    expect(((await ok.json()) as { items: Array<{ name: string; latest: string }> }).items).toEqual([
      expect.objectContaining({ name: 'hello', latest: '1.0.0' }),
    ]);
  });

  it('installs from an offline directory after consent to its permissions', async () => {
    const err = await refusal(m.apply({ op: 'install', name: 'hello', range: '^1.0.0' }, { yes: true }));
    expect(err.code).toBe('OMEGA_ERR_CONSENT_REQUIRED');
    const plan = (err.extras as { plan: { consent: string; steps: Array<{ diff: { added: string[] } }> } })
      .plan;
    expect(plan.steps[0]?.diff.added).toEqual(['http:routes']);
    // Download progress reaches the kernel bus (what `omega plugin install` shows, issue 6).
    const progress: DownloadProgress[] = [];
    const archive = 'artifacts/hello-1.0.0.omp';
    const sub = k.kernel.bus.subscribe(['marketplace.download.progress'], (batch) => {
      for (const e of batch) progress.push(e.data as DownloadProgress);
    });
    try {
      await m.apply({ op: 'install', name: 'hello', range: '^1.0.0' }, { consent: plan.consent });
      // Delivery is asynchronous: poll briefly for the batch that carries the archive.
      for (let i = 0; i < 80 && !progress.some((p) => p.path === archive); i++)
        await new Promise((r) => setTimeout(r, 25));
    } finally {
      sub.unsubscribe();
    }
    expect(progress.length).toBeGreaterThan(0);
    // The archive comes last, complete: its bytes are the total, which is the file's real size.
    const last = progress.at(-1)!;
    expect(last.path).toBe(archive);
    expect(last.total).toBe(statSync(join(repo.dir, archive)).size);
    expect(last.received).toBe(last.total);
    expect(await hello()).toEqual({ hello: 'v1.0.0' });
  });

  it('an escalating upgrade waits for consent while the old version keeps serving', async () => {
    await repo.release(
      { name: 'hello', version: '1.1.0', permissions: ['http:routes', 'storage'], routes: [route] },
      code('v1.1.0'),
    );
    const err = await refusal(m.apply({ op: 'upgrade', name: 'hello' }, { yes: true }));
    expect(err.code).toBe('OMEGA_ERR_CONSENT_REQUIRED');
    expect(await hello()).toEqual({ hello: 'v1.0.0' });
    const plan = await m.plan({ op: 'upgrade', name: 'hello' });
    expect(plan.steps.map((s) => [s.from, s.to, s.diff.added])).toEqual([['1.0.0', '1.1.0', ['storage']]]);
    await m.apply({ op: 'upgrade', name: 'hello' }, { consent: plan.consent });
    expect(await hello()).toEqual({ hello: 'v1.1.0' });
  });

  it('switches back automatically when the new version fails its health check', async () => {
    await repo.release(
      { name: 'hello', version: '1.2.0', permissions: ['http:routes', 'storage'], routes: [route] },
      failing,
    );
    const err = await refusal(m.apply({ op: 'upgrade', name: 'hello' }, { yes: true }));
    expect(err.code).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect(err.extras).toMatchObject({
      plugin: 'hello',
      version: '1.2.0',
      rolledBack: true,
      restored: '1.1.0',
    });
    expect(k.kernel.plugins.info('hello')).toMatchObject({ version: '1.1.0', status: 'running' });
    expect(await hello()).toEqual({ hello: 'v1.1.0' });
  });

  it('stops a revoked installed version with the signed reason, and never rolls back to one', async () => {
    await setReleaseStatus({
      dir: repo.dir,
      keys: repo.index.keys,
      plugin: 'hello',
      version: '1.2.0',
      state: 'yanked',
      reason: 'crashes on start',
    });
    await repo.release(
      { name: 'hello', version: '1.3.0', permissions: ['http:routes', 'storage'], routes: [route] },
      code('v1.3.0'),
    );
    await m.apply({ op: 'upgrade', name: 'hello' }, { yes: true });
    expect(await hello()).toEqual({ hello: 'v1.3.0' });

    await setReleaseStatus({
      dir: repo.dir,
      keys: repo.index.keys,
      plugin: 'hello',
      version: '1.1.0',
      state: 'revoked',
      reason: 'leaks tokens (CVE-0000-1)',
    });
    await repo.bump();
    // Rolling back from 1.3.0 skips revoked 1.1.0 and lands on 1.0.0 (fewer permissions: --yes is enough).
    await m.apply({ op: 'rollback', name: 'hello' }, { yes: true });
    expect(await hello()).toEqual({ hello: 'v1.0.0' });

    await setReleaseStatus({
      dir: repo.dir,
      keys: repo.index.keys,
      plugin: 'hello',
      version: '1.0.0',
      state: 'revoked',
      reason: 'signing key compromised',
    });
    await repo.bump();
    const report = await m.verify();
    expect(report.revoked).toEqual([
      { plugin: 'hello', version: '1.0.0', reason: 'signing key compromised' },
    ]);
    expect(k.kernel.plugins.info('hello').status).toBe('disabled');
    const info = await m.info('hello');
    expect(info.installed?.revoked?.reason).toBe('signing key compromised');
    // The previous version is 1.3.0 again; revoked 1.0.0 and 1.1.0 are never chosen.
    const back = await m.plan({ op: 'rollback', name: 'hello' });
    expect(back.steps.map((s) => [s.from, s.to])).toEqual([['1.0.0', '1.3.0']]);
  });

  it('audits an install and a removal through the API (walk: the marketplace routes left no record)', async () => {
    const changes: Array<{ topic: string; data: { target?: string; actor?: string } }> = [];
    const sub = k.kernel.bus.subscribe(['plugins.admin.*'], (batch) => {
      for (const e of batch) changes.push({ topic: e.topic, data: e.data as { target?: string } });
    });
    const post = (path: string, body: unknown) =>
      k.api(`/api/v1/marketplace/${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    try {
      expect((await post('remove', { name: 'hello' })).status).toBe(200);
      const asked = await post('install', { name: 'hello' });
      expect(asked.status).toBe(409); // a fresh install asks for http:routes
      const { plan } = (await asked.json()) as { plan: { consent: string } };
      expect((await post('install', { name: 'hello', consent: plan.consent })).status).toBe(200);
      for (let i = 0; i < 80 && changes.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      sub.unsubscribe();
    }
    expect(changes.map((c) => [c.topic, c.data.target, c.data.actor])).toEqual([
      ['plugins.admin.remove', 'hello', 'admin'],
      ['plugins.admin.install', 'hello@1.3.0', 'admin'],
    ]);
  });

  it('audits a source removal as the source, and keeps credentials of a source URL out of the trail', async () => {
    const changes: Array<{ topic: string; data: { target?: string; plugin?: string } }> = [];
    const sub = k.kernel.bus.subscribe(['plugins.admin.*'], (batch) => {
      for (const e of batch) changes.push({ topic: e.topic, data: e.data as { target?: string } });
    });
    try {
      expect((await k.api('/api/v1/marketplace/sources/local', { method: 'DELETE' })).status).toBe(200);
      for (let i = 0; i < 80 && changes.length < 1; i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      sub.unsubscribe();
    }
    // Review: the source's name was recorded as a plugin's, and a source add had no target.
    expect(changes.map((c) => [c.topic, c.data.target, c.data.plugin])).toEqual([
      ['plugins.admin.source-remove', 'source:local', 'marketplace'],
    ]);
    expect(withoutSecrets('https://ci:s3cret@plugins.example/index/?token=abc')).toBe(
      'https://plugins.example/index/',
    );
    expect(withoutSecrets('/srv/omega-marketplace')).toBe('/srv/omega-marketplace');
  });
});
