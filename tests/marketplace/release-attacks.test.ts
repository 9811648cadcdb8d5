import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { KERNEL_VERSION } from '../../kernel/version.js';
import { attachMarketplace, type Marketplace } from '../../marketplace/index.js';
import { signFlattened, TYP } from '../../marketplace/metadata/index.js';
import { addRelease, setReleaseStatus, signRelease } from '../../marketplace/publish/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import {
  createFixtureRepo,
  type FixtureRepo,
  newKey,
  OK_CODE,
  refusal,
  writeArtifact,
} from './fixture-repo.js';
import { hostileServer } from './hostile-server.js';

/** Short download deadlines, so the slow-artifact cases end within seconds. */
const STALL_MS = 1500;
const DEADLINE_MS = 4000;

describe('release and artifact attacks over HTTP are refused before anything is installed', () => {
  let k: TempKernel;
  let repo: FixtureRepo;
  let srv: Awaited<ReturnType<typeof hostileServer>>;
  let m: Marketplace;
  const install = (name: string, range?: string) =>
    m.apply({ op: 'install', name, ...(range ? { range } : {}) }, { yes: true });

  beforeAll(async () => {
    repo = await createFixtureRepo();
    await repo.release({ name: 'plain', version: '1.0.0' });
    await repo.release({ name: 'tampered', version: '1.0.0' });
    await repo.release({ name: 'big', version: '1.0.0' });
    await repo.release({ name: 'forged', version: '1.0.0' }, OK_CODE, { key: await newKey() });
    await repo.release({ name: 'future', version: '2.0.0', engines: { omega: '>=99.0.0' } });
    await repo.release({ name: 'cyc-a', version: '1.0.0', dependencies: { 'cyc-b': '^1.0.0' } });
    await repo.release({ name: 'cyc-b', version: '1.0.0', dependencies: { 'cyc-a': '^1.0.0' } });
    await repo.release({ name: 'lib', version: '1.0.0' });
    await repo.release({ name: 'lib', version: '2.0.0' });
    await repo.release({ name: 'old-user', version: '1.0.0', dependencies: { lib: '^1.0.0' } });
    await repo.release({ name: 'new-user', version: '1.0.0', dependencies: { lib: '^2.0.0' } });
    await repo.release({
      name: 'both',
      version: '1.0.0',
      dependencies: { 'old-user': '^1.0.0', 'new-user': '^1.0.0' },
    });
    // A publisher-signed statement may claim any length: 1.5 GB here (issue #14.9).
    {
      const file = await writeArtifact(
        repo.dir,
        { name: 'huge', version: '1.0.0' },
        OK_CODE,
        repo.publisherKey,
      );
      const { statement } = await signRelease({
        artifact: readFileSync(file),
        url: 'artifacts/huge-1.0.0.omp',
        publisher: 'acme',
        key: repo.publisherKey,
      });
      statement.artifact.length = 1_500_000_000;
      const jws = await signFlattened(statement, repo.publisherKey, TYP.release);
      await addRelease({ dir: repo.dir, keys: repo.index.keys, artifactFile: file, publisher: 'acme', jws });
    }
    // An index may offer a plugin named like a core plugin.
    await repo.release({ name: 'security', version: '9.0.0' });
    await repo.release({ name: 'slow', version: '1.0.0' });
    await repo.release({ name: 'trickle', version: '1.0.0' });
    await repo.bump();
    srv = await hostileServer(repo.dir);
    k = await startTempKernel({ plugins: { dirs: [] } });
    m = attachMarketplace(k.kernel, {
      healthWindowMs: 300,
      downloadStallMs: STALL_MS,
      downloadTimeoutMs: DEADLINE_MS,
    }).marketplace;
    await m.addSource({
      name: 'web',
      location: srv.url,
      root: readFileSync(join(repo.dir, 'root.json'), 'utf8'),
    });
  });
  afterAll(async () => {
    await srv?.close();
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (repo) removeDir(repo.dir);
  });

  it('installs an honest plugin over HTTP (the control case)', async () => {
    await install('plain');
    expect(k.kernel.plugins.info('plain')).toMatchObject({ version: '1.0.0', status: 'running' });
  });

  it('tampered artifact: same length, one byte changed', async () => {
    const file = join(repo.dir, 'artifacts', 'tampered-1.0.0.omp');
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0xff, bytes.length - 20);
    writeFileSync(file, bytes);
    const err = await refusal(install('tampered'));
    expect(err.code).toBe('OMEGA_ERR_MARKETPLACE_UNTRUSTED');
    expect(err.extras).toMatchObject({
      source: srv.url,
      role: 'artifact',
      plugin: 'tampered',
      version: '1.0.0',
      reason: 'hash-mismatch',
    });
    expect(() => k.kernel.plugins.info('tampered')).toThrow();
  });

  it('endless artifact: cut off at the signed length', async () => {
    srv.endless('artifacts/big-1.0.0.omp');
    const err = await refusal(install('big'));
    srv.overrides.clear();
    expect(err.code).toBe('OMEGA_ERR_MARKETPLACE_DOWNLOAD');
    expect(err.extras).toMatchObject({
      role: 'artifact',
      plugin: 'big',
      version: '1.0.0',
      reason: 'too-large',
    });
  });

  it("a release signed by a key that is not the publisher's", async () => {
    const err = await refusal(install('forged'));
    expect(err.extras).toMatchObject({
      role: 'release',
      plugin: 'forged',
      version: '1.0.0',
      reason: 'not-publisher',
      expected: repo.publisherKey.kid,
    });
  });

  it('engines.omega not satisfied by the running kernel', async () => {
    const err = await refusal(install('future'));
    expect(err.code).toBe('OMEGA_ERR_PLUGIN_INCOMPATIBLE');
    expect(err.extras).toMatchObject({
      plugin: 'future',
      version: '2.0.0',
      expected: '>=99.0.0',
      actual: KERNEL_VERSION,
    });
  });

  it('a dependency cycle is named', async () => {
    const err = await refusal(install('cyc-a'));
    expect(err.code).toBe('OMEGA_ERR_PLUGIN_DEPENDENCY');
    expect(err.message).toMatch(/cyc-a@1\.0\.0 → cyc-b@1\.0\.0 → cyc-a@1\.0\.0/);
  });

  it('a dependency conflict says who wants what', async () => {
    const err = await refusal(install('both'));
    expect(err.code).toBe('OMEGA_ERR_PLUGIN_DEPENDENCY');
    expect(err.message).toContain('old-user@1.0.0 wants lib@^1.0.0');
    expect(err.message).toContain('new-user@1.0.0 wants lib@^2.0.0');
    expect(() => k.kernel.plugins.info('lib')).toThrow();
  });

  it('the plugin.json inside the artifact must equal the signed statement field by field', async () => {
    const { verifyArtifact } = await import('../../marketplace/install/verify-artifact.js');
    const { refreshMetadata } = await import('../../marketplace/client/refresh-metadata.js');
    const { verifyRelease } = await import('../../marketplace/metadata/index.js');
    const meta = await refreshMetadata({
      location: srv.url,
      stateDir: join(k.dataDir, 'marketplace', 'sources', 'web'),
    });
    const release = await verifyRelease(meta.index, 'plain', '1.0.0', srv.url);
    const signedElsewhere = { ...release, manifest: { ...release.manifest, permissions: ['storage'] } };
    const bytes = readFileSync(join(repo.dir, 'artifacts', 'plain-1.0.0.omp'));
    const err = await refusal(verifyArtifact(bytes, signedElsewhere, meta.index, srv.url, KERNEL_VERSION));
    expect(err.extras).toMatchObject({
      role: 'artifact',
      plugin: 'plain',
      reason: 'manifest-mismatch',
      expected: '"storage"',
    });
    expect(err.message).toContain(
      'plugin.json field "permissions[0]" differs from the signed release statement',
    );
  });

  /** Counts requests for a path while serving it from the repository as usual. */
  function countHits(path: string): () => number {
    let hits = 0;
    srv.overrides.set(path, (_req, res) => {
      hits += 1;
      const body = readFileSync(join(repo.dir, path));
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    return () => hits;
  }

  it('a signed claim of a 1.5 GB artifact is refused before a byte of it is downloaded', async () => {
    const hits = countHits('artifacts/huge-1.0.0.omp');
    const err = await refusal(install('huge'));
    srv.overrides.clear();
    expect(err.code).toBe('OMEGA_ERR_MARKETPLACE_DOWNLOAD');
    expect(err.extras).toMatchObject({
      role: 'artifact',
      plugin: 'huge',
      reason: 'too-large',
      actual: '1500000000',
    });
    expect(hits()).toBe(0);
    expect(() => k.kernel.plugins.info('huge')).toThrow();
  });

  it('an index offering a core plugin name (security) is refused at resolve time, before download', async () => {
    const hits = countHits('artifacts/security-9.0.0.omp');
    const err = await refusal(install('security'));
    srv.overrides.clear();
    expect(err.code).toBe('OMEGA_ERR_ALREADY_EXISTS');
    expect(err.extras).toMatchObject({ plugin: 'security', reason: 'core-plugin' });
    expect(hits()).toBe(0);
    expect(existsSync(join(k.dataDir, 'plugins', 'security'))).toBe(false);
  });

  it('a stalled artifact gives a coded download error within its stall deadline, also through the API', async () => {
    const size = readFileSync(join(repo.dir, 'artifacts', 'slow-1.0.0.omp')).byteLength;
    srv.overrides.set('artifacts/slow-1.0.0.omp', (_req, res) => {
      res.writeHead(200, { 'content-length': size });
      res.write(Buffer.alloc(100));
      // …and nothing more: the connection stays open
    });
    const err = await refusal(install('slow'));
    expect(err.code).toBe('OMEGA_ERR_MARKETPLACE_DOWNLOAD');
    expect(err.extras).toMatchObject({ role: 'artifact', plugin: 'slow', reason: 'stalled' });
    const plan = (await (
      await k.api('/api/v1/marketplace/plan', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ op: 'install', name: 'slow' }),
      })
    ).json()) as { consent: string };
    const res = await k.api('/api/v1/marketplace/install', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow', consent: plan.consent }),
    });
    srv.overrides.clear();
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'OMEGA_ERR_MARKETPLACE_DOWNLOAD', reason: 'stalled' });
  });

  it('an artifact that trickles in is cut off at the download deadline with a coded error', async () => {
    const size = readFileSync(join(repo.dir, 'artifacts', 'trickle-1.0.0.omp')).byteLength;
    srv.overrides.set('artifacts/trickle-1.0.0.omp', (_req, res) => {
      res.writeHead(200, { 'content-length': size });
      // one byte every 200 ms: never stalled, never done before the deadline
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(Buffer.alloc(1))), 200);
      res.on('close', () => clearInterval(t));
    });
    const err = await refusal(install('trickle'));
    srv.overrides.clear();
    expect(err.code).toBe('OMEGA_ERR_MARKETPLACE_DOWNLOAD');
    expect(err.extras).toMatchObject({ plugin: 'trickle', reason: 'timeout' });
  });

  it('a revoked version is stopped although an unrelated second source is unreachable; the source can be removed', async () => {
    const other = await createFixtureRepo();
    onTestFinished(() => removeDir(other.dir));
    const otherSrv = await hostileServer(other.dir);
    await m.addSource({
      name: 'other',
      location: otherSrv.url,
      root: readFileSync(join(other.dir, 'root.json'), 'utf8'),
    });
    await otherSrv.close();
    await setReleaseStatus({
      dir: repo.dir,
      keys: repo.index.keys,
      plugin: 'plain',
      version: '1.0.0',
      state: 'revoked',
      reason: 'leaks tokens',
    });
    await repo.bump();
    const r = await m.verify();
    expect(r.failed).toEqual([
      expect.objectContaining({ name: 'other', code: 'OMEGA_ERR_MARKETPLACE_DOWNLOAD' }),
    ]);
    expect(r.revoked).toEqual([{ plugin: 'plain', version: '1.0.0', reason: 'leaks tokens' }]);
    expect(r.plugins.find((p) => p.name === 'plain')).toMatchObject({ ok: false, checked: true });
    expect(k.kernel.plugins.info('plain').status).not.toBe('running');
    // an install needs every source (a missing one could let another shadow its names): it says how to drop it
    const err = await refusal(install('lib'));
    expect(err.message).toContain('omega plugin source remove other');
    await m.removeSource('other');
    expect((await m.sources()).map((s) => s.name)).toEqual(['web']);
    expect((await m.verify()).failed).toEqual([]);
    expect((await refusal(m.removeSource('other'))).code).toBe('OMEGA_ERR_NOT_FOUND');
  });
});
