import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importedPackages, tarballFiles } from './package-contents.js';
import { authorEnv, type CommandRun, runCommand, startCommand, waitForMatch } from './run-command.js';

/*
 * Omega from outside the checkout (issues 11 and 12), exactly as an author and an operator get
 * it: pack @omega/protocol, @omega/sdk and omega with `npm pack`, install the three tarballs into
 * a temp folder outside the repository (one install: isolated-vm compiles from source there),
 * then init → build → test (against a real kernel from the installed omega) → keygen → pack, and
 * the installed `omega start` + `omega plugin install`: the plugin's route answers. Every npm
 * call points the @omega scope at a closed loopback port, so a request for an @omega package
 * to the public registry fails the run instead of fetching someone else's package.
 */

const REPO = join(import.meta.dirname, '..', '..');
const ROOT_PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
  files: string[];
};
const SDK_VERSION = (
  JSON.parse(readFileSync(join(REPO, 'sdk', 'package.json'), 'utf8')) as { version: string }
).version;
const NO_OMEGA_REGISTRY = '--@omega:registry=http://127.0.0.1:9/';
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', NO_OMEGA_REGISTRY];
const MIN = 60_000;

/** Core plugins of the checkout that are built (plugins/<name>/dist/plugin.json): each must ship. */
const corePlugins = (): string[] =>
  readdirSync(join(REPO, 'plugins'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(REPO, 'plugins', e.name, 'dist', 'plugin.json')))
    .map((e) => e.name)
    .sort();

describe('pack protocol, sdk and omega; install them outside the repository; author and run a plugin', () => {
  const steps: Array<{ name: string; ms: number }> = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  const printSteps = () => {
    if (steps.length === 0) return;
    const total = steps.reduce((s, x) => s + x.ms, 0);
    const lines = steps.map((s) => `  ${(s.ms / 1000).toFixed(1).padStart(6)} s  ${s.name}`);
    console.log(`packaging: ${steps.length} steps, ${(total / 1000).toFixed(1)} s\n${lines.join('\n')}`);
  };
  afterAll(async () => {
    printSteps();
    for (const c of cleanups.reverse()) await c();
  });

  /** Runs one step, records its time, fails with its output when it does not exit as expected. */
  async function step(
    name: string,
    cmd: string,
    args: string[],
    cwd: string,
    opts: { timeoutMs?: number; expectCode?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<CommandRun> {
    const run = await runCommand(cmd, args, {
      cwd,
      timeoutMs: opts.timeoutMs ?? 5 * MIN,
      env: opts.env ?? authorEnv(),
    });
    steps.push({ name, ms: run.ms });
    const want = opts.expectCode ?? 0;
    expect(run.code, `${name} exited ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).toBe(
      want,
    );
    return run;
  }

  it('packs, installs once, and runs the author and operator flow there', {
    timeout: 40 * MIN,
  }, async (ctx) => {
    const ping = await runCommand('npm', ['ping'], { cwd: REPO, timeoutMs: 30_000 });
    if (ping.code !== 0)
      ctx.skip(`the npm registry is unreachable (npm ping: ${ping.stderr.trim().split('\n').pop()})`);

    // ── pack ────────────────────────────────────────────────────────────────────────────────
    const packs = mkdtempSync(join(tmpdir(), 'omega-packs-'));
    cleanups.push(() => runCommand('rm', ['-rf', packs], { cwd: '/', timeoutMs: MIN }).then(() => {}));
    // order: omega's prepack rebuilds protocol's dist (JS only); the sdk's declarations need omega's dist/testing.d.ts
    await step(
      'npm pack -w @omega/protocol',
      'npm',
      ['pack', '-w', '@omega/protocol', '--pack-destination', packs],
      REPO,
    );
    await step('npm pack (omega)', 'npm', ['pack', '--pack-destination', packs], REPO, {
      timeoutMs: 10 * MIN,
    });
    await step(
      'npm pack -w @omega/sdk',
      'npm',
      ['pack', '-w', '@omega/sdk', '--pack-destination', packs],
      REPO,
    );
    const tgz = {
      protocol: join(packs, 'omega-protocol-0.1.0.tgz'),
      sdk: join(packs, `omega-sdk-${SDK_VERSION}.tgz`),
      omega: join(packs, `omega-${ROOT_PKG.version}.tgz`),
    };

    const omegaFiles = await tarballFiles(tgz.omega);
    for (const f of [
      'package.json',
      'dist/cli.js',
      'dist/plugin-host.cjs',
      'dist/testing.js',
      'dist/testing.d.ts',
    ]) {
      expect(omegaFiles, f).toContain(f);
    }
    expect(omegaFiles).toContain('plugins/grants.json');
    const plugins = corePlugins();
    expect(plugins.length).toBeGreaterThan(0);
    for (const p of plugins) {
      for (const f of [`plugins/${p}/dist/plugin.json`, `plugins/${p}/dist/plugin.js`]) {
        // npm skips workspace folders unless package.json "files" names them: add plugins/<name>/dist/
        expect(omegaFiles, `${f} is not in the omega tarball (files in package.json)`).toContain(f);
      }
    }
    const stray = omegaFiles.filter(
      (f) =>
        // scripts/prepare.mjs: npm runs a tarball dependency's prepare; it does nothing there
        !/^(package\.json|README\.md|dist\/[^/]+|scripts\/prepare\.mjs|plugins\/grants\.json|plugins\/[a-z0-9-]+\/(dist|panels)\/.+)$/.test(
          f,
        ),
    );
    expect(
      stray,
      'only the bundle, its declarations, the built core plugins and the no-op prepare ship',
    ).toEqual([]);
    // A core plugin's sealed UI outside dist/ (the metrics plugin's panels) ships too: without it
    // the installed kernel would refuse the plugin.
    for (const p of plugins) {
      const built = JSON.parse(readFileSync(join(REPO, 'plugins', p, 'dist', 'plugin.json'), 'utf8')) as {
        ui?: { root: string };
      };
      if (built.ui && !built.ui.root.startsWith('dist'))
        expect(
          omegaFiles.some((f) => f.startsWith(`plugins/${p}/${built.ui!.root}/`)),
          `${p}'s ${built.ui.root}/`,
        ).toBe(true);
    }
    const sdkFiles = await tarballFiles(tgz.sdk);
    for (const f of [
      'bin/omega-plugin.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/testing/index.d.ts',
      'dist/cli/main.js',
      'styles/panel.css',
    ]) {
      expect(sdkFiles, f).toContain(f);
    }
    // …and nothing else: the panel stylesheet (`@omega/sdk/panel.css`) is the one file outside dist/.
    expect(
      sdkFiles.filter((f) => !/^(package\.json|bin\/omega-plugin\.js|dist\/.+|styles\/panel\.css)$/.test(f)),
    ).toEqual([]);
    expect(sdkFiles.filter((f) => f.startsWith('dist/docs/'))).toEqual([]);
    expect(await tarballFiles(tgz.protocol)).toContain('dist/archive/index.d.ts');

    // ── one install, outside the repository ─────────────────────────────────────────────────
    const work = realpathSync(mkdtempSync(join(tmpdir(), 'omega-author-')));
    cleanups.push(() => runCommand('rm', ['-rf', work], { cwd: '/', timeoutMs: MIN }).then(() => {}));
    expect(relative(REPO, work).startsWith('..'), `${work} must be outside ${REPO}`).toBe(true);
    for (let d = dirname(work); ; d = dirname(d)) {
      // nothing above the author's folder that Node or npm would resolve from (no workspace root either)
      expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
      expect(existsSync(join(d, 'package.json')), `${d}/package.json`).toBe(false);
      if (dirname(d) === d) break;
    }
    writeFileSync(
      join(work, 'package.json'),
      `${JSON.stringify({ name: 'author-work', private: true, allowScripts: { 'isolated-vm': true, esbuild: true } }, null, 2)}\n`,
    );
    const tools = ['typescript', 'vitest'].map((t) => `${t}@${ROOT_PKG.devDependencies[t]}`);
    await step(
      'npm install the 3 tarballs + typescript vitest @types/node (isolated-vm compiles)',
      'npm',
      [
        ...NPM_INSTALL,
        tgz.protocol,
        tgz.sdk,
        tgz.omega,
        ...tools,
        `@types/node@^${process.versions.node.split('.')[0]}`,
      ],
      work,
      { timeoutMs: 25 * MIN },
    );
    for (const pkg of ['@omega/protocol', '@omega/sdk', 'omega']) {
      const at = join(work, 'node_modules', pkg);
      expect(lstatSync(at).isSymbolicLink(), `${pkg} is a copy from its tarball, not a link`).toBe(false);
    }
    const resolved = await step(
      'resolve omega/testing as the installed sdk does',
      'node',
      [
        '-e',
        "const { createRequire } = require('node:module'); console.log(createRequire(require.resolve('@omega/sdk/package.json')).resolve('omega/testing'))",
      ],
      work,
    );
    expect(resolved.stdout.trim()).toBe(join(work, 'node_modules', 'omega', 'dist', 'testing.js'));

    // what the bundle imports is exactly what omega declares (it inlines @omega/*)
    const installed = JSON.parse(
      readFileSync(join(work, 'node_modules', 'omega', 'package.json'), 'utf8'),
    ) as {
      dependencies: Record<string, string>;
    };
    const dist = join(work, 'node_modules', 'omega', 'dist');
    const used = await importedPackages(
      ['cli.js', 'plugin-host.cjs', 'testing.js'].map((f) => join(dist, f)),
    );
    expect(used).toEqual(Object.keys(installed.dependencies).sort());
    expect(Object.keys(installed.dependencies).filter((d) => d.startsWith('@omega/'))).toEqual([]);

    /** `npx --no-install …`: only the installed bins, never a download of a same-named registry package. */
    const npx = (
      args: string[],
      cwd: string,
      opts: { expectCode?: number; timeoutMs?: number; label?: string } = {},
    ) =>
      step(
        `npx ${opts.label ?? args.join(' ')}${opts.expectCode ? ` (must exit ${opts.expectCode})` : ''}`,
        'npx',
        ['--no-install', ...args],
        cwd,
        opts,
      );

    expect((await npx(['omega-plugin', '--version'], work)).stdout.trim()).toBe(SDK_VERSION);
    expect((await npx(['omega', '--version'], work)).stdout).toContain(ROOT_PKG.version);
    const authorHelp = (await npx(['omega-plugin', '--help'], work)).stdout;
    for (const c of ['init', 'build', 'test', 'keygen', 'sign', 'pack'])
      expect(authorHelp).toMatch(new RegExp(`^  ${c} `, 'm'));
    const operatorHelp = (await npx(['omega', '--help'], work)).stdout;
    for (const c of ['start', 'status', 'plugin']) expect(operatorHelp).toMatch(new RegExp(`^  ${c} `, 'm'));

    // ── the author ──────────────────────────────────────────────────────────────────────────
    const init = await npx(['omega-plugin', 'init', 'hello'], work);
    expect(init.stdout).toContain('file:../node_modules/omega');
    const hello = join(work, 'hello');
    const pkg = JSON.parse(readFileSync(join(hello, 'package.json'), 'utf8')) as {
      name: string;
      devDependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('hello');
    expect(pkg.devDependencies['@omega/sdk']).toBe('file:../node_modules/@omega/sdk');
    expect(pkg.devDependencies.omega).toBe('file:../node_modules/omega');
    expect(Object.keys(pkg.devDependencies).sort()).toEqual([
      '@omega/sdk',
      '@types/node',
      'omega',
      'typescript',
      'vitest',
    ]);
    // the author's own install: links to the installed sdk and kernel, tools from the cache
    await step('npm install (in hello/)', 'npm', NPM_INSTALL, hello, { timeoutMs: 10 * MIN });
    expect(realpathSync(join(hello, 'node_modules', '@omega', 'sdk'))).toBe(
      join(work, 'node_modules', '@omega', 'sdk'),
    );
    expect(existsSync(join(hello, 'node_modules', '@omega', 'protocol'))).toBe(false);

    await npx(['omega-plugin', 'build'], hello);
    const built = JSON.parse(readFileSync(join(hello, 'dist', 'plugin.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(built.main).toBe('plugin.js');
    expect(JSON.parse(readFileSync(join(hello, 'plugin.json'), 'utf8'))).not.toHaveProperty('integrity');
    // the published declarations hold together: the author's whole project (src and test) type-checks
    await npx(['tsc', '-p', '.'], hello);
    const tested = await npx(['omega-plugin', 'test'], hello, { timeoutMs: 10 * MIN });
    expect(tested.stdout).toMatch(/Tests\s+2 passed/);
    await npx(['omega-plugin', 'keygen'], hello);
    const packed = await npx(['omega-plugin', 'pack', '--key', 'publisher.private.jwk'], hello);
    expect(packed.stdout).toMatch(/hello-0\.1\.0\.omega-plugin: hello@0\.1\.0/);

    // a wrong argument to ctx fails the build with file:line and the message
    const index = join(hello, 'src', 'index.ts');
    const source = readFileSync(index, 'utf8');
    const wrong = source.replace(
      "ctx.storage.get<Greeting>('greetings', who)",
      'ctx.storage.get<Greeting>(42, who)',
    );
    expect(wrong).not.toBe(source);
    writeFileSync(index, wrong);
    const line = wrong.split('\n').findIndex((l) => l.includes('(42, who)')) + 1;
    const typeError = await npx(['omega-plugin', 'build'], hello, { expectCode: 1 });
    expect(typeError.stderr).toMatch(new RegExp(`src/index\\.ts:${line}:\\d+ - error TS2345`));
    // an edit after the build: pack refuses the stale dist/
    writeFileSync(index, source.replace('hello, ', 'hi, '));
    const stale = await npx(['omega-plugin', 'pack', '--key', 'publisher.private.jwk'], hello, {
      expectCode: 1,
    });
    expect(stale.stderr).toMatch(/run omega-plugin build/);
    writeFileSync(index, source);

    // ── the operator: the installed omega, a temp data dir, the packed plugin ───────────────
    const dataDir = mkdtempSync(join(tmpdir(), 'omega-packaging-data-'));
    // with the sessions' working dirs its local agent makes beside it
    const sessionsDir = `${dataDir}-sessions`;
    cleanups.push(() =>
      runCommand('rm', ['-rf', dataDir, sessionsDir], { cwd: '/', timeoutMs: MIN }).then(() => {}),
    );
    const token = `pack-${randomBytes(16).toString('hex')}`;
    const started = performance.now();
    // the bin npx would run, started directly so that SIGTERM reaches the kernel itself
    const kernel = startCommand(
      join(work, 'node_modules', '.bin', 'omega'),
      ['start', '--port', '0', '--data-dir', dataDir],
      {
        cwd: work,
        env: authorEnv({ OMEGA_ADMIN_TOKEN: token }),
      },
    );
    cleanups.push(() => kernel.stop());
    const [, url] = await waitForMatch(kernel.output, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 2 * MIN);
    steps.push({ name: 'omega start (until listening)', ms: performance.now() - started });
    const auth = { authorization: `Bearer ${token}` };
    const list = (await (await fetch(`${url}/api/v1/plugins`, { headers: auth })).json()) as {
      items?: Array<{ name: string; status: string }>;
    };
    for (const p of plugins) {
      expect(list.items?.find((i) => i.name === p)?.status, `bundled plugin ${p}`).toBe('running');
    }
    const install = await npx(
      [
        'omega',
        'plugin',
        'install',
        './hello-0.1.0.omega-plugin',
        '--trust',
        'publisher.public.jwk',
        '--approve',
        '--url',
        String(url),
        '--token',
        token,
        '--data-dir',
        dataDir,
      ],
      hello,
      {
        label:
          'omega plugin install ./hello-0.1.0.omega-plugin --trust publisher.public.jwk --approve (--url, --token)',
      },
    );
    expect(install.stdout).toMatch(/installed hello@0\.1\.0.*running/);
    const res = await fetch(`${url}/api/v1/hello/hello?name=ada`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'hello, ada', count: 1 });
    await kernel.stop();
    expect(kernel.child.exitCode).toBe(0);
  });
});
