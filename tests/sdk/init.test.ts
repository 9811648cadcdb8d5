import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeUiIntegrity, readUiFolder } from '@omega/protocol/archive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverPlugins } from '../../kernel/plugins/index.js';
import { loadPluginUi } from '../../kernel/plugins/ui/index.js';
import { startTestKernel, type TestKernel } from '../../kernel/testing/index.js';
import { buildPlugin, panelPage } from '../../sdk/src/build/index.js';
import { initPlugin } from '../../sdk/src/scaffold/index.js';
import { testPanel } from '../../sdk/src/testing/test-panel.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { authorEnv, runCommand } from '../packaging/run-command.js';
import { bundleScaffoldPanel } from './bundle-scaffold-panel.js';
import { OMEGA_PLUGIN, runCli } from './run-cli.js';

const ROOT = realpathSync(join(import.meta.dirname, '..', '..'));
const SDK = join(ROOT, 'sdk');
const MIN = 60_000;
const json = <T = Record<string, unknown>>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('omega-plugin init: a package the author owns, linked to the sdk it ran from', () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'omega-init-')));
  afterAll(() => removeDir(work));

  it('names the package after the plugin and links this sdk by file:, the tools by range', async () => {
    const r = await initPlugin(work, 'hello');
    const pkg = json(join(work, 'hello', 'package.json')) as {
      name: string;
      exports: unknown;
      devDependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('hello');
    // Its contract for a consumer's `import type` (walk: the guide's CallsTo import did not resolve).
    expect(pkg.exports).toEqual({ '.': { types: './src/index.ts' } });
    // this sdk lies outside the folder init ran in: an absolute file: spec
    expect(pkg.devDependencies['@omega/sdk']).toBe(`file:${SDK}`);
    expect(r.sdk).toBe(`file:${SDK}`);
    // no installed omega beside a checkout's sdk: not written (init prints how to add it)
    expect(r.omega).toBeUndefined();
    expect(Object.keys(pkg.devDependencies).sort()).toEqual([
      '@omega/sdk',
      '@types/node',
      'typescript',
      'vitest',
    ]);
    const manifest = json(join(work, 'hello', 'plugin.json'));
    expect(manifest).not.toHaveProperty('main');
    expect(manifest).not.toHaveProperty('integrity');
    expect(readFileSync(join(work, 'hello', 'src', 'index.ts'), 'utf8')).toMatch(/setup\(ctx\)[\s\S]*json\(/);
    expect(readFileSync(join(work, 'hello', 'src', 'route-schemas.ts'), 'utf8')).toMatch(
      /defineRouteSchemas\(\{\s*hello:/,
    );
    expect(readFileSync(join(work, 'hello', '.gitignore'), 'utf8')).toMatch(/^dist$/m);
    // the README's install line works as written: a new plugin's permissions are an escalation,
    // which --yes never approves
    expect(readFileSync(join(work, 'hello', 'README.md'), 'utf8')).toMatch(
      /omega plugin install \.\/hello-0\.1\.0\.omega-plugin --trust publisher\.public\.jwk --approve$/m,
    );
  });

  it('writes --sdk SPEC as given, and says in one command how to add the kernel', async () => {
    const run = await runCli(
      OMEGA_PLUGIN,
      ['init', 'other', '--sdk', 'file:../packs/omega-sdk-0.1.0.tgz'],
      work,
    );
    expect(run.code, run.stderr).toBe(0);
    const pkg = json<{ devDependencies: Record<string, string> }>(join(work, 'other', 'package.json'));
    expect(pkg.devDependencies['@omega/sdk']).toBe('file:../packs/omega-sdk-0.1.0.tgz');
    expect(run.stdout).toMatch(/cd other && npm install --save-dev omega@file:/);
    expect(run.stdout).not.toMatch(/^note:/m);
  });

  // Walk: init from a checkout linked its sdk/, which has no type declarations until it is
  // packed, and the first build failed with TS7016. init says so, and what works.
  it('says when the sdk folder it links has no type declarations, and not when it has', async () => {
    const bare = join(work, 'bare-sdk');
    mkdirSync(join(bare, 'dist'), { recursive: true });
    const untyped = await runCli(OMEGA_PLUGIN, ['init', 'untyped', '--sdk', `file:${bare}`], work);
    expect(untyped.code, untyped.stderr).toBe(0);
    expect(untyped.stdout).toMatch(
      /^note: .*bare-sdk has no type declarations .* npm run pack:all, then init with --sdk file:<checkout>\/packs\/omega-sdk-<version>\.tgz$/m,
    );
    writeFileSync(join(bare, 'dist', 'index.d.ts'), 'export {};\n');
    const typed = await runCli(OMEGA_PLUGIN, ['init', 'typed', '--sdk', 'file:../bare-sdk'], work);
    expect(typed.code, typed.stderr).toBe(0);
    expect(typed.stdout).not.toMatch(/^note:/m);
  });

  it('refuses a bad name and an existing plugin folder, with a coded one-line error', async () => {
    const bad = await runCli(OMEGA_PLUGIN, ['init', 'Bad_Name'], work);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/OMEGA_ERR_VALIDATION/);
    const again = await runCli(OMEGA_PLUGIN, ['init', 'hello'], work);
    expect(again.stderr).toMatch(/OMEGA_ERR_ALREADY_EXISTS/);
  });
});

describe('omega-plugin init --panel: a dashboard panel written with @omega/sdk/panel', () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'omega-init-panel-')));
  afterAll(() => removeDir(work));

  it('writes the panel, declares it under ui.panels, and the build seals its bundle; the kernel loads it', async () => {
    const run = await runCli(OMEGA_PLUGIN, ['init', 'chart', '--panel'], work);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^next: cd chart && npm install && npm test$/m); // pretest bundles the panel
    const dir = join(work, 'chart');
    const pkg = json<{
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
      allowScripts: Record<string, boolean>;
    }>(join(dir, 'package.json'));
    expect(pkg.allowScripts).toEqual({ esbuild: true });
    expect(pkg.scripts.build).toBe('npm run build:panel && omega-plugin build');
    expect(pkg.scripts['build:panel']).toMatch(
      /^esbuild panel\/hello\.ts --bundle .*--outfile=ui\/panels\/hello\/panel\.js && esbuild panel\/hello\.css --bundle --outfile=ui\/panels\/hello\/panel\.css && omega-plugin pages$/,
    );
    // the look is the sdk's stylesheet, imported, not a copy written into the plugin
    expect(readFileSync(join(dir, 'panel', 'hello.css'), 'utf8')).toMatch(
      /^@import "@omega\/sdk\/panel\.css";$/m,
    );
    expect(existsSync(join(dir, 'ui', 'panels', 'hello', 'panel.css'))).toBe(false);
    // …and the page shell: only the body is the plugin's (panel/hello.html), the build writes the page
    expect(existsSync(join(dir, 'ui', 'panels', 'hello', 'index.html'))).toBe(false);
    expect(readFileSync(join(dir, 'panel', 'hello.html'), 'utf8')).not.toMatch(
      /<!doctype|<head|<script|<style/i,
    );
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^ui\/panels\/hello\/panel\.css$/m);
    expect(pkg.devDependencies.esbuild).toMatch(/^\^?\d/);
    const source = readFileSync(join(dir, 'panel', 'hello.ts'), 'utf8');
    expect(source).toMatch(/import \{ connectPanel \} from '@omega\/sdk\/panel'/);
    expect(source).not.toMatch(/innerHTML|fetch\(/); // a panel has neither (Trusted Types, connect-src 'none')
    const manifest = json<{ ui: { root: string; panels: Array<Record<string, unknown>> } }>(
      join(dir, 'plugin.json'),
    );
    expect(manifest.ui.root).toBe('ui');
    expect(manifest.ui.panels).toEqual([
      expect.objectContaining({
        id: 'hello',
        slot: 'dashboard',
        reads: ['/api/v1/chart/hello'],
        topics: ['chart.**'],
      }),
    ]);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/@omega\/sdk\/panel/);

    // What npm run build does, with this checkout's sdk linked as the package's @omega/sdk: bundle
    // the panel (esbuild, as build:panel), then omega-plugin build seals ui/ with the bundle in it.
    await bundleScaffoldPanel(dir);
    const bundle = readFileSync(join(dir, 'ui', 'panels', 'hello', 'panel.js'), 'utf8');
    expect(bundle).toContain('omega.panel.port'); // the SDK's connectPanel, bundled in
    expect(bundle).not.toMatch(/^import /m);
    // the sdk's panel.css inlined (the panel's CSP loads styles from its own origin only), then its own rules
    const css = readFileSync(join(dir, 'ui', 'panels', 'hello', 'panel.css'), 'utf8');
    const sdkCss = readFileSync(join(SDK, 'styles', 'panel.css'), 'utf8');
    expect(css).not.toMatch(/@import/);
    expect(css).toContain('color-scheme: light dark');
    expect(css).toContain(sdkCss.match(/\.spark\.alt polyline \{[^}]*\}/)?.[0]);
    expect(css.indexOf('.status')).toBeLessThan(css.indexOf('#events'));
    expect(readFileSync(join(dir, 'ui', 'panels', 'hello', 'index.html'), 'utf8')).toBe(
      panelPage({ title: 'Hello from chart', body: readFileSync(join(dir, 'panel', 'hello.html'), 'utf8') }),
    );
    const b = await buildPlugin(dir, { typecheck: false });
    expect(b.manifest.ui?.integrity).toBe(computeUiIntegrity(await readUiFolder(join(dir, 'ui'))));
    expect([...(await readUiFolder(join(dir, 'ui'))).keys()]).toContain('panels/hello/panel.js');
    const found = await discoverPlugins({ dirs: [work] });
    expect(found.errors.map((e) => e.error.message)).toEqual([]);
    const p = found.plugins.find((x) => x.manifest.name === 'chart');
    if (!p) throw new Error('chart not discovered');
    const ui = await loadPluginUi(dir, p.manifest, p.manifestPath);
    expect(ui?.panels.map((x) => x.id)).toEqual(['hello']);
    expect(Buffer.from(ui?.files.get('panels/hello/index.html')?.body ?? []).toString()).toContain(
      '.omega-panel-guard.js',
    );
  });
});

/**
 * An `omega` package built from this checkout into `dir` (as tsup builds dist/ for the published
 * one: the test harness and the plugin-host entry), its dependencies this checkout's node_modules:
 * fresh kernel code, without writing the repository's own dist/.
 */
async function buildOmegaPackage(dir: string): Promise<void> {
  const { build } = await import('esbuild');
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'omega',
      version: root.version,
      type: 'module',
      exports: { './testing': './dist/testing.js', './package.json': './package.json' },
    }),
  );
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await build({
    entryPoints: {
      testing: join(ROOT, 'kernel', 'testing', 'index.ts'),
      'plugin-host': join(ROOT, 'kernel', 'sandbox', 'host', 'main.ts'),
    },
    outdir: join(dir, 'dist'),
    bundle: true,
    // like tsup.config.ts: Omega's workspace packages bundled from source, the rest external
    plugins: [
      {
        name: 'third-party-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) =>
            a.path.startsWith('@omega/') ? undefined : { external: true },
          );
        },
      },
    ],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    logLevel: 'silent',
  });
}

/**
 * node_modules for a scaffold in `dir` laid out as `npm install` lays it out from the tarballs: the
 * sdk as a package of its own (package.json, bin, dist with its declarations, emitted here from
 * this checkout's sources), the kernel package `omega` beside it, the tools linked from this checkout.
 */
async function installScaffoldDeps(dir: string, omega: string): Promise<void> {
  const nm = join(dir, 'node_modules');
  const sdk = join(nm, '@omega', 'sdk');
  mkdirSync(sdk, { recursive: true });
  for (const f of ['package.json', 'bin', 'dist', 'styles'])
    cpSync(join(SDK, f), join(sdk, f), { recursive: true });
  // The sdk's declarations, as its prepack emits them (omega's own, dist/testing.d.ts, are not
  // needed: the scaffold's tsconfig skips library checks, so only that import stays untyped).
  const tsc = await runCommand(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(SDK, 'tsconfig.build.json'),
      '--outDir',
      join(sdk, 'dist'),
    ],
    { cwd: SDK, timeoutMs: 5 * MIN },
  );
  const errors = tsc.stdout.split('\n').filter((l) => /error TS/.test(l) && !/'omega\/testing'/.test(l));
  expect(errors, tsc.stdout).toEqual([]);
  expect(existsSync(join(sdk, 'dist', 'testing', 'test-panel.d.ts'))).toBe(true);
  symlinkSync(join(ROOT, 'protocol'), join(nm, '@omega', 'protocol'), 'dir');
  mkdirSync(join(nm, '@types'));
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(nm, '@types', 'node'), 'dir');
  for (const p of ['esbuild', 'jose', 'typescript', 'vitest'])
    symlinkSync(join(ROOT, 'node_modules', p), join(nm, p), 'dir');
  symlinkSync(omega, join(nm, 'omega'), 'dir');
  mkdirSync(join(nm, '.bin'));
  symlinkSync('../esbuild/bin/esbuild', join(nm, '.bin', 'esbuild'));
  symlinkSync('../@omega/sdk/bin/omega-plugin.js', join(nm, '.bin', 'omega-plugin'));
}

describe('npm test in an init --panel scaffold checks its panel through a real kernel (testPanel)', () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'omega-init-panel-test-')));
  const dir = join(work, 'board');
  const run = (cmd: string, args: string[]) =>
    runCommand(cmd, args, { cwd: dir, env: authorEnv(), timeoutMs: 5 * MIN });
  const output = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;
  beforeAll(async () => {
    const init = await runCli(OMEGA_PLUGIN, ['init', 'board', '--panel'], work);
    expect(init.code, init.stderr).toBe(0);
    await buildOmegaPackage(join(work, 'omega'));
    await installScaffoldDeps(dir, join(work, 'omega'));
  }, 10 * MIN);
  afterAll(() => removeDir(work));

  it(
    'passes as written: the panel listed, granted, served with its guard and CSP, its read answered',
    async () => {
      const test = await run('npm', ['test']);
      expect(test.code, output(test)).toBe(0);
      expect(test.stdout).toMatch(/✓ test\/panel\.test\.ts \(2 tests\)/);
      expect(test.stdout).toMatch(/Tests\s+4 passed/);
    },
    10 * MIN,
  );

  it(
    'fails when the panel reads what it does not declare',
    async () => {
      const manifest = join(dir, 'plugin.json');
      const declared = readFileSync(manifest, 'utf8');
      writeFileSync(manifest, declared.replace('"reads": ["/api/v1/board/hello"]', '"reads": []'));
      try {
        expect(readFileSync(manifest, 'utf8')).not.toBe(declared);
        const test = await run('npm', ['test']);
        expect(test.code).not.toBe(0);
        expect(output(test)).toMatch(/may not read \/api\/v1\/board\/hello: it declares no reads/);
      } finally {
        writeFileSync(manifest, declared);
      }
    },
    10 * MIN,
  );

  it(
    'fails when the build sealed ui/ without the bundle the page loads',
    async () => {
      // omega-plugin test alone does not bundle the panel (npm test's pretest does): a fresh clone has no panel.js
      rmSync(join(dir, 'ui', 'panels', 'hello', 'panel.js'), { force: true });
      const test = await run(join(dir, 'node_modules', '.bin', 'omega-plugin'), ['test']);
      expect(test.code).not.toBe(0);
      expect(output(test)).toMatch(
        /loads \/ui\/board\/panels\/hello\/panel\.js, which the kernel answers 404/,
      );
    },
    10 * MIN,
  );

  it(
    'fails when panel.js changed after the build sealed it',
    async () => {
      const build = await run('npm', ['run', 'build']);
      expect(build.code, output(build)).toBe(0);
      appendFileSync(join(dir, 'ui', 'panels', 'hello', 'panel.js'), '\n// changed after sealing\n');
      // the tests alone, against what the build sealed (omega-plugin test would build and seal again)
      const test = await run(process.execPath, [join(dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run']);
      expect(test.code).not.toBe(0);
      expect(output(test)).toMatch(/do not match ui\.integrity/);
    },
    10 * MIN,
  );
});

/** The code (and status, for an API error) a promise rejects with. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: string; message: string; extras?: { status?: number } };
    return { code: e.code, message: e.message, status: e.extras?.status };
  }
  throw new Error('expected a refusal');
}

describe('testPanel against a real kernel: what it finds, what it refuses', () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'omega-test-panel-')));
  const dir = join(work, 'gauge');
  let k: TestKernel | undefined;
  beforeAll(async () => {
    await initPlugin(work, 'gauge', { panel: true });
    // a second panel, on the node page, reading a kernel route with a {param} from its slot
    const manifest = json<{ ui: { panels: Array<Record<string, unknown>> } }>(join(dir, 'plugin.json'));
    manifest.ui.panels.push({
      id: 'about',
      title: 'About',
      slot: 'node-page',
      entry: 'panels/about/index.html',
      topics: [],
      reads: ['/api/v1/plugins/{id}'],
      actions: [],
    });
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify(manifest, null, 2));
    mkdirSync(join(dir, 'ui', 'panels', 'about'), { recursive: true });
    writeFileSync(join(dir, 'ui', 'panels', 'about', 'index.html'), '<!doctype html>\n<p>about</p>\n');
    await bundleScaffoldPanel(dir);
    await buildPlugin(dir, { typecheck: false });
    k = await startTestKernel({ plugin: dir });
  }, 5 * MIN);
  afterAll(async () => {
    await k?.stop();
    removeDir(work);
  });
  const kernel = (): TestKernel => {
    if (!k) throw new Error('the kernel did not start');
    return k;
  };

  it('refuses a panel the operator has not granted, and one the plugin does not declare', async () => {
    const ungranted = await refusal(testPanel(kernel(), 'hello', { grant: false }));
    expect(ungranted.code).toBe('OMEGA_ERR_NOT_FOUND');
    expect(ungranted.message).toMatch(/lists no panel "hello" of "gauge".*grant it/);
    const undeclared = await refusal(testPanel(kernel(), 'nope'));
    expect(undeclared.code).toBe('OMEGA_ERR_NOT_FOUND');
    expect(undeclared.message).toMatch(/declares no panel nope/);
  });

  it('fetches the page from its listed url on the panel host: guard first, panel CSP, its files served', async () => {
    const t = await testPanel(kernel(), 'hello');
    const port = new URL(kernel().url).port;
    expect(t.panel.url).toBe(`http://gauge.localhost:${port}/ui/gauge/panels/hello/index.html`);
    expect(t.page.guard).toBe(`http://gauge.localhost:${port}/ui/gauge/panels/.omega-panel-guard.js`);
    expect(t.page.html.indexOf('.omega-panel-guard.js')).toBeLessThan(t.page.html.indexOf('panel.js"'));
    expect(t.page.headers['content-security-policy']).toMatch(/connect-src 'none'.*sandbox allow-scripts/);
    expect(t.page.headers['content-security-policy']).toContain(`frame-ancestors http://127.0.0.1:${port}`);
    expect(t.page.assets.map((a) => new URL(a).pathname).sort()).toEqual([
      '/ui/gauge/panels/hello/panel.css',
      '/ui/gauge/panels/hello/panel.js',
    ]);
    // both panels stay granted: granting one keeps the others the operator granted
    await testPanel(kernel(), 'about');
    const listed = (await (await kernel().api('/api/v1/ui/panels')).json()) as {
      items: Array<{ id: string }>;
    };
    expect(listed.items.map((p) => p.id)).toEqual(['hello', 'about']);
  });

  it("answers a read as the shell does: {param}s from the slot's context, percent-encoded; anything else refused", async () => {
    const about = await testPanel(kernel(), 'about', { context: { id: 'gauge' } });
    expect(await about.read<{ name: string; status: string }>('/api/v1/plugins/{id}')).toMatchObject({
      name: 'gauge',
      status: 'running',
    });
    // a filled-in path is not the declared template
    expect((await refusal(about.read('/api/v1/plugins/gauge'))).code).toBe('OMEGA_ERR_PERM_DENIED');
    const tooMany = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`q${i}`, 'x']));
    expect((await refusal(about.read('/api/v1/plugins/{id}', tooMany))).code).toBe('OMEGA_ERR_PERM_DENIED');
    const noContext = await testPanel(kernel(), 'about', { grant: false });
    expect((await refusal(noContext.read('/api/v1/plugins/{id}'))).code).toBe('OMEGA_ERR_PERM_DENIED');
    // a value cannot add a segment: '../ui/panels' reaches the kernel as one plugin name, which it
    // refuses (climbed, the path would have been /api/v1/ui/panels, answered 200)
    const climbing = await testPanel(kernel(), 'about', { grant: false, context: { id: '../ui/panels' } });
    const refused = await refusal(climbing.read('/api/v1/plugins/{id}'));
    expect([refused.code, refused.status]).toEqual(['OMEGA_ERR_VALIDATION', 400]);
    expect(refused.message).toMatch(/^The read \/api\/v1\/plugins\/\.\.%2Fui%2Fpanels answered 400/);
  });

  it("asks with the test's user: a token the kernel does not accept gets the API's own refusal", async () => {
    const refused = await refusal(testPanel(kernel(), 'hello', { grant: false, token: 'not-a-token' }));
    expect([refused.code, refused.status]).toEqual(['OMEGA_ERR_UNAUTHENTICATED', 401]);
  });
});
