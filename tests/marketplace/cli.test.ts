import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachMarketplace } from '../../marketplace/index.js';
import { generatePrivateJwk, loadSigningKey } from '../../marketplace/metadata/index.js';
import { removeDir, startTempKernel, TEST_ADMIN_TOKEN, type TempKernel } from '../helpers/temp-kernel.js';
import { writeArtifact } from './fixture-repo.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');

/** Runs the omega CLI in its own process; resolves code, stdout and stderr. */
function omega(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => ok({ code: code ?? -1, out, err }));
  });
}

describe('omega marketplace (owner tools) and omega plugin (operator) end to end', () => {
  const work = mkdtempSync(join(tmpdir(), 'omega-mkt-cli-'));
  const repo = join(work, 'repo');
  const keys = join(work, 'keys');
  let k: TempKernel;
  let server: ChildProcess | undefined;
  let url = '';
  const op = (args: string[]) => omega(['plugin', ...args, '--url', k.url, '--token', TEST_ADMIN_TOKEN]);
  const key = (n: string) => join(keys, `${n}.private.jwk`);

  beforeAll(async () => {
    k = await startTempKernel({ plugins: { dirs: [] } });
    attachMarketplace(k.kernel, { healthWindowMs: 300 });
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(work);
  });

  it('creates keys, a repository, a publisher and a release, and serves it', async () => {
    // One key through the CLI; the others the same way in-process (each CLI start costs a second).
    expect((await omega(['marketplace', 'keygen', keys, '--name', 'acme'])).code).toBe(0);
    mkdirSync(keys, { recursive: true });
    for (const n of ['r1', 'r2', 'ts', 'idx'])
      writeFileSync(key(n), JSON.stringify(generatePrivateJwk()), { mode: 0o600 });
    const init = await omega([
      'marketplace',
      'init',
      repo,
      '--root-keys',
      `${key('r1')},${key('r2')}`,
      '--timestamp-keys',
      key('ts'),
      '--index-keys',
      key('idx'),
    ]);
    expect(init.code, init.err).toBe(0);
    const pub = await omega([
      'marketplace',
      'add-publisher',
      repo,
      'acme',
      '--publisher-key',
      join(keys, 'acme.public.jwk'),
      '--index-keys',
      key('idx'),
      '--timestamp-keys',
      key('ts'),
    ]);
    expect(pub.code, pub.err).toBe(0);
    const signer = await loadSigningKey(JSON.parse(readFileSync(key('acme'), 'utf8')));
    const artifact = await writeArtifact(
      work,
      { name: 'greeter', version: '1.0.0' },
      'export const plugin = {};\n',
      signer,
    );
    const rel = await omega([
      'marketplace',
      'add-release',
      repo,
      artifact,
      '--publisher',
      'acme',
      '--publisher-key',
      key('acme'),
      '--index-keys',
      key('idx'),
      '--timestamp-keys',
      key('ts'),
    ]);
    expect(rel.code, rel.err).toBe(0);
    expect(rel.out).toContain('greeter@1.0.0 added');
    server = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CLI, 'marketplace', 'serve', repo, '--port', '0'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    url = await new Promise<string>((ok) => {
      server?.stderr?.on('data', (d: Buffer) => {
        const m = /at (http:\/\/\S+)/.exec(String(d));
        if (m?.[1]) ok(m[1]);
      });
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('adds the source, searches, installs with --yes (no permissions), verifies, revokes, removes', async () => {
    const add = await op(['source', 'add', 'acme-market', url, '--root', join(repo, 'root.json')]);
    expect(add.code, add.err).toBe(0);
    const search = await op(['search', 'greet']);
    expect(search.out).toMatch(/greeter\s+1\.0\.0\s+acme/);
    const inst = await op(['install', 'greeter@^1.0.0', '--yes']);
    expect(inst.code, inst.err).toBe(0);
    expect(inst.err).toContain('greeter: (not installed) → 1.0.0');
    expect(k.kernel.plugins.info('greeter').status).toBe('running');
    const rev = await omega([
      'marketplace',
      'revoke',
      repo,
      'greeter@1.0.0',
      '--reason',
      'backdoor found',
      '--index-keys',
      key('idx'),
      '--timestamp-keys',
      key('ts'),
    ]);
    expect(rev.code, rev.err).toBe(0);
    const verify = await op(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.out).toContain('greeter@1.0.0: REVOKED and stopped — backdoor found');
    expect(k.kernel.plugins.info('greeter').status).toBe('disabled');
    const info = await op(['info', 'greeter', '--remote']);
    expect(info.out).toContain('revoked: backdoor found');
    expect((await op(['remove', 'greeter'])).code).toBe(0);
    expect(() => k.kernel.plugins.info('greeter')).toThrow();
  });
});
