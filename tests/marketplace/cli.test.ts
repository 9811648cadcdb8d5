import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedPublishersFile, trustPublisher } from '../../kernel/plugins/install/index.js';
import { attachMarketplace } from '../../marketplace/index.js';
import { generatePrivateJwk, loadSigningKey } from '../../marketplace/metadata/index.js';
import { removeDir, startTempKernel, TEST_ADMIN_TOKEN, type TempKernel } from '../helpers/temp-kernel.js';
import { OK_CODE, packPlugin, writeArtifact } from './fixture-repo.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
/** tsx by absolute URL, so the CLI also starts from a folder outside the checkout. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs the omega CLI in its own process; resolves code, stdout and stderr. */
function omega(args: string[], cwd?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', TSX, CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
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
  const op = (args: string[], cwd?: string) =>
    omega(['plugin', ...args, '--url', k.url, '--token', TEST_ADMIN_TOKEN], cwd);
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
  }, 120_000);

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
  }, 180_000);

  it('a packed file follows the same consent rule: --yes never approves an escalation, --approve the diff shown; upgrade ./FILE works', async () => {
    const pub = await loadSigningKey(generatePrivateJwk());
    await trustPublisher(trustedPublishersFile(k.dataDir), pub.publicJwk);
    const v1 = join(work, 'filed-1.0.0.omega-plugin');
    writeFileSync(
      v1,
      await packPlugin({ name: 'filed', version: '1.0.0', permissions: ['storage'] }, OK_CODE, pub),
    );
    const yes = await op(['install', v1, '--yes']);
    expect(yes.code).not.toBe(0);
    expect(yes.err).toContain('+ storage');
    expect(yes.err).toContain('--yes never approves an escalation');
    expect(() => k.kernel.plugins.info('filed')).toThrow();
    const ok = await op(['install', v1, '--approve']);
    expect(ok.code, ok.err).toBe(0);
    expect(k.kernel.plugins.info('filed')).toMatchObject({ version: '1.0.0', status: 'running' });

    const v2 = join(work, 'filed-2.0.0.omega-plugin');
    writeFileSync(
      v2,
      await packPlugin({ name: 'filed', version: '2.0.0', permissions: ['storage', 'timers'] }, OK_CODE, pub),
    );
    const asked = await op(['upgrade', v2]);
    expect(asked.code).not.toBe(0);
    // only what changes is shown, and the installed version keeps serving
    expect(asked.err).toContain('filed: 1.0.0 → 2.0.0');
    expect(asked.err).toContain('+ timers');
    expect(asked.err).not.toContain('+ storage');
    expect(k.kernel.plugins.info('filed')).toMatchObject({ version: '1.0.0', status: 'running' });
    const up = await op(['upgrade', '--file', v2, '--approve']);
    expect(up.code, up.err).toBe(0);
    expect(k.kernel.plugins.info('filed')).toMatchObject({ version: '2.0.0', status: 'running' });

    // Walk: a plugin installed from a file could not be removed ("was not installed from a
    // marketplace"); it is now, and a core plugin's refusal says how to stop one instead.
    const removed = await op(['remove', 'filed']);
    expect(removed.code, removed.err).toBe(0);
    expect(() => k.kernel.plugins.info('filed')).toThrow();
    expect(existsSync(join(k.dataDir, 'plugins', 'filed'))).toBe(false);
    const core = await op(['remove', 'nosuch']);
    expect(core.code).toBe(1);
    expect(core.err).toContain('"nosuch" is not an installed plugin (core plugins ship with the kernel');
  }, 180_000);

  it('omega plugin install ./FILE of a plugin with a panel: the consent shows the panel; approved, it is listed', async () => {
    const pub = await loadSigningKey(generatePrivateJwk());
    await trustPublisher(trustedPublishersFile(k.dataDir), pub.publicJwk);
    const file = join(work, 'dialed-1.0.0.omega-plugin');
    const manifest = {
      name: 'dialed',
      version: '1.0.0',
      ui: {
        root: 'ui',
        panels: [{ id: 'dial', title: 'Dial', slot: 'dashboard', entry: 'panels/dial/index.html' }],
      },
    };
    const ui = { 'index.html': '<!doctype html>', 'panels/dial/index.html': '<!doctype html><p>dial</p>' };
    writeFileSync(file, await packPlugin(manifest, OK_CODE, pub, ui));
    const yes = await op(['install', file, '--yes']);
    expect(yes.code).not.toBe(0);
    expect(yes.err).toContain('+ panel dial on dashboard');
    expect(() => k.kernel.plugins.info('dialed')).toThrow();
    const ok = await op(['install', file, '--approve']);
    expect(ok.code, ok.err).toBe(0);
    expect(k.kernel.plugins.info('dialed')).toMatchObject({ version: '1.0.0', status: 'running' });
    const listed = (await (await k.api('/api/v1/ui/panels')).json()) as {
      items: Array<{ plugin: string; id: string }>;
    };
    expect(listed.items.map((p) => `${p.plugin}/${p.id}`)).toContain('dialed/dial');
    expect(
      readFileSync(join(k.dataDir, 'plugins', 'dialed', 'ui', 'panels', 'dial', 'index.html'), 'utf8'),
    ).toBe(ui['panels/dial/index.html']);
  }, 180_000);

  it('a bare word is a plugin name even when a file of that name is here; the error says how to mean the file', async () => {
    const here = mkdtempSync(join(tmpdir(), 'omega-cwd-'));
    writeFileSync(join(here, 'evil'), 'not an archive');
    const r = await op(['install', 'evil', '--yes'], here);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('./evil');
    expect(() => k.kernel.plugins.info('evil')).toThrow();
    removeDir(here);
  }, 120_000);
});
