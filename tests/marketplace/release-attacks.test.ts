import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_VERSION } from '../../kernel/version.js';
import { attachMarketplace, type Marketplace } from '../../marketplace/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { createFixtureRepo, type FixtureRepo, newKey, OK_CODE, refusal } from './fixture-repo.js';
import { hostileServer } from './hostile-server.js';

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
    srv = await hostileServer(repo.dir);
    k = await startTempKernel({ plugins: { dirs: [] } });
    m = attachMarketplace(k.kernel, { healthWindowMs: 300 }).marketplace;
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
});
