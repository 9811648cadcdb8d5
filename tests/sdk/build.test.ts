import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeArchive,
  PLUGIN_ARCHIVE_FORMAT,
  PLUGIN_ARCHIVE_FORMAT_UI,
  readUiFolder,
} from '@omega/protocol/archive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIntegrity, discoverPlugins } from '../../kernel/plugins/index.js';
import { buildPlugin, typeCheckPlugin } from '../../sdk/src/build/index.js';
import { packPlugin } from '../../sdk/src/pack/index.js';
import { initPlugin } from '../../sdk/src/scaffold/index.js';
import { generatePublisherKey, signPlugin } from '../../sdk/src/sign/index.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { OMEGA_PLUGIN, runCli } from './run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SDK = join(ROOT, 'sdk');

/**
 * A scaffolded plugin in a temp folder, with this repository's sdk linked as its @omega/sdk and a
 * tsconfig that type-checks against the sdk's sources (the `source` condition: in the repository
 * the sdk's declarations exist only after prepack; tests/packaging checks the published ones).
 */
async function scaffold(work: string, name: string, opts: { panel?: boolean } = {}): Promise<string> {
  await initPlugin(work, name, opts);
  const dir = join(work, name);
  mkdirSync(join(dir, 'node_modules', '@omega'), { recursive: true });
  symlinkSync(SDK, join(dir, 'node_modules', '@omega', 'sdk'), 'dir');
  const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  Object.assign(tsconfig.compilerOptions, {
    customConditions: ['source'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['src'] }));
  return dir;
}

/** The code a promise rejects with, or 'resolved'. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

describe('build output: dist/plugin.json + dist/plugin.js; the tracked plugin.json is never written', () => {
  const work = mkdtempSync(join(tmpdir(), 'omega-layout-'));
  const dir = join(work, 'greet');
  const source = () => readFileSync(join(dir, 'plugin.json'), 'utf8');
  let key: string;

  beforeAll(async () => {
    await scaffold(work, 'greet');
    key = (await generatePublisherKey(work)).privateKeyFile;
  });
  afterAll(() => removeDir(work));

  it('writes the built manifest (main, integrity) next to the bundle and leaves plugin.json as written', async () => {
    const before = source();
    expect(JSON.parse(before)).not.toHaveProperty('integrity');
    expect(JSON.parse(before)).not.toHaveProperty('main');
    const b = await buildPlugin(dir, { typecheck: false });
    expect(source()).toBe(before);
    expect(b.manifestPath).toBe(join(dir, 'dist', 'plugin.json'));
    const built = JSON.parse(readFileSync(b.manifestPath, 'utf8')) as Record<string, unknown>;
    const bundle = readFileSync(join(dir, 'dist', 'plugin.js'));
    expect(built.main).toBe('plugin.js');
    expect(built.integrity).toBe(computeIntegrity(bundle));
    // …plus each route's schemas from src/route-schemas.ts, as JSON Schema
    const routes = built.routes as Array<Record<string, unknown>>;
    expect(routes[0]?.schemas).toMatchObject({ query: { properties: { name: { maxLength: 64 } } } });
    expect({
      ...built,
      main: undefined,
      integrity: undefined,
      routes: routes.map(({ schemas: _s, ...r }) => r),
    }).toEqual({
      ...JSON.parse(before),
      main: undefined,
      integrity: undefined,
    });
    expect(b.notes).toEqual([]);
    expect((await buildPlugin(dir, { typecheck: false })).changed).toBe(false);
  });

  it('tells the author when package.json and plugin.json disagree on the version (plugin.json is the one used)', async () => {
    const before = source();
    const old = JSON.parse(before) as Record<string, unknown>;
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ ...old, version: '9.9.9' }));
    try {
      const b = await buildPlugin(dir, { typecheck: false });
      expect(b.manifest.version).toBe('9.9.9');
      expect(b.notes).toEqual([
        expect.stringMatching(/^package\.json says version \S+ but plugin\.json says 9\.9\.9/),
      ]);
    } finally {
      writeFileSync(join(dir, 'plugin.json'), before);
      await buildPlugin(dir, { typecheck: false });
    }
  });

  it('tells the author when plugin.json still carries fields the build owns, and overrides them', async () => {
    const before = source();
    const old = JSON.parse(before) as Record<string, unknown>;
    writeFileSync(
      join(dir, 'plugin.json'),
      JSON.stringify({ ...old, main: 'dist/plugin.js', integrity: `sha512-${'A'.repeat(86)}==` }),
    );
    try {
      const b = await buildPlugin(dir, { typecheck: false });
      expect(b.notes).toHaveLength(2);
      expect(b.manifest.main).toBe('plugin.js');
      expect(b.manifest.integrity).toBe(computeIntegrity(b.bundle));
    } finally {
      writeFileSync(join(dir, 'plugin.json'), before);
      await buildPlugin(dir, { typecheck: false });
    }
  });

  it('the kernel discovers a built source folder through dist/plugin.json, and names the fix for an unbuilt one', async () => {
    const plugins = mkdtempSync(join(tmpdir(), 'omega-layout-plugins-'));
    symlinkSync(dir, join(plugins, 'greet'), 'dir');
    const unbuilt = join(plugins, 'fresh');
    mkdirSync(unbuilt);
    writeFileSync(join(unbuilt, 'plugin.json'), source().replace('"greet"', '"fresh"'));
    try {
      const found = await discoverPlugins({ dirs: [plugins] });
      expect(found.plugins.map((p) => [p.manifest.name, p.manifestPath])).toEqual([
        ['greet', join(plugins, 'greet', 'dist', 'plugin.json')],
      ]);
      expect(found.plugins[0]?.code).toBe(readFileSync(join(dir, 'dist', 'plugin.js'), 'utf8'));
      expect(found.errors).toHaveLength(1);
      expect(found.errors[0]?.error.code).toBe('OMEGA_ERR_MANIFEST_INVALID');
      expect(found.errors[0]?.error.message).toMatch(/omega-plugin build/);
    } finally {
      removeDir(plugins);
    }
  });

  it('pack refuses a dist/ older than its sources (src or plugin.json), and packs again after a build', async () => {
    await buildPlugin(dir, { typecheck: false });
    await signPlugin(dir, key);
    expect((await packPlugin(dir, work)).name).toBe('greet');

    const index = join(dir, 'src', 'index.ts');
    const code = readFileSync(index, 'utf8');
    writeFileSync(index, code.replace('hello, ', 'hi, '));
    expect(await codeOf(packPlugin(dir, work))).toBe('OMEGA_ERR_CONFLICT');
    expect(await codeOf(signPlugin(dir, key))).toBe('OMEGA_ERR_CONFLICT');
    writeFileSync(index, code);

    const manifest = source();
    writeFileSync(join(dir, 'plugin.json'), manifest.replace('"storage"', '"storage", "timers"'));
    expect(await codeOf(packPlugin(dir, work))).toBe('OMEGA_ERR_CONFLICT');
    writeFileSync(join(dir, 'plugin.json'), manifest);

    // back to the sources dist/ was built from: current again
    expect((await packPlugin(dir, work)).name).toBe('greet');
  });

  it('pack carries a ui: every file under ui.root, format /2; a plugin without one stays format /1', async () => {
    const plain = decodeArchive(readFileSync((await packPlugin(dir, work)).file));
    expect([plain.format, Object.keys(plain.files)]).toEqual([PLUGIN_ARCHIVE_FORMAT, ['plugin.js']]);

    const panelled = await scaffold(work, 'panelled', { panel: true });
    mkdirSync(join(panelled, 'ui', 'panels', 'hello'), { recursive: true });
    writeFileSync(join(panelled, 'ui', 'panels', 'hello', 'panel.js'), 'document.title = "hello";\n');
    await buildPlugin(panelled, { typecheck: false });
    await signPlugin(panelled, key);
    const packed = await runCli(OMEGA_PLUGIN, ['pack', 'panelled', '--out', work], work);
    expect([packed.code, packed.stderr]).toEqual([0, '']);
    const archive = decodeArchive(readFileSync(join(work, 'panelled-0.1.0.omega-plugin')));
    expect(archive.format).toBe(PLUGIN_ARCHIVE_FORMAT_UI);
    const ui = await readUiFolder(join(panelled, 'ui'));
    expect(Object.keys(archive.files).sort()).toEqual(
      ['plugin.js', ...[...ui.keys()].map((p) => `ui/${p}`)].sort(),
    );
    for (const [p, body] of ui) expect(archive.files[`ui/${p}`]).toBe(body.toString('base64'));
    // A UI file changed after the build is not packed (the archive would not match ui.integrity).
    writeFileSync(join(panelled, 'ui', 'panels', 'hello', 'panel.js'), 'document.title = "changed";\n');
    const stale = await runCli(OMEGA_PLUGIN, ['pack', 'panelled', '--out', join(work, 'stale')], work);
    expect(stale.code).toBe(1);
    expect(stale.stderr.trim().split('\n')).toHaveLength(1);
    expect(stale.stderr).toMatch(/UI folder changed since.*run omega-plugin build.*OMEGA_ERR_CONFLICT/);
    expect(existsSync(join(work, 'stale'))).toBe(false);
  });

  it('says a folder was never built, and a key file is missing, as such (walk: both read as something else)', async () => {
    const fresh = await scaffold(work, 'fresh');
    await expect(signPlugin(fresh, key)).rejects.toThrow(
      `${fresh} has no build (dist/plugin.json): run omega-plugin build first (or pack --build).`,
    );
    const nope = join(work, 'nope.jwk');
    await expect(signPlugin(dir, nope)).rejects.toThrow(
      `${nope}: no such file (make a key with omega-plugin keygen, or give the path to yours).`,
    );
  });

  it('omega-plugin pack says in one line to build; pack --build builds, signs and packs', async () => {
    const index = join(dir, 'src', 'index.ts');
    const code = readFileSync(index, 'utf8');
    writeFileSync(index, code.replace('hello, ', 'hey, '));
    const refused = await runCli(OMEGA_PLUGIN, ['pack', 'greet', '--key', key], work);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/run omega-plugin build.*OMEGA_ERR_CONFLICT/);
    const packed = await runCli(
      OMEGA_PLUGIN,
      ['pack', 'greet', '--key', key, '--build', '--out', work],
      work,
    );
    expect(packed.code, packed.stderr).toBe(0);
    expect(packed.stdout).toMatch(/greet-0\.1\.0\.omega-plugin: greet@0\.1\.0/);
    expect(readFileSync(join(dir, 'dist', 'plugin.js'), 'utf8')).toContain('hey, ');
    writeFileSync(index, code);
  });
});

describe('build type-checks the plugin: a wrong argument to ctx is a build error', () => {
  const work = mkdtempSync(join(tmpdir(), 'omega-typecheck-'));
  let dir: string;
  let good: string;
  beforeAll(async () => {
    dir = await scaffold(work, 'typed');
    good = readFileSync(join(dir, 'src', 'index.ts'), 'utf8');
  });
  afterAll(() => removeDir(work));

  it('passes the scaffold as written', async () => {
    const b = await buildPlugin(dir);
    expect(b.manifest.name).toBe('typed');
  });

  it('fails with file:line:col and the message; nothing is written; --no-typecheck builds it anyway', async () => {
    const before = readFileSync(join(dir, 'dist', 'plugin.js'), 'utf8');
    const bad = good.replace(
      "ctx.storage.get<Greeting>('greetings', who)",
      'ctx.storage.get<Greeting>(42, who)',
    );
    expect(bad).not.toBe(good);
    writeFileSync(join(dir, 'src', 'index.ts'), bad);
    const line = bad.split('\n').findIndex((l) => l.includes('get<Greeting>(42')) + 1;
    try {
      const cli = await runCli(OMEGA_PLUGIN, ['build', 'typed'], work);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(
        new RegExp(`src/index\\.ts:${line}:\\d+ - error TS2345: Argument of type 'number'`),
      );
      expect(cli.stderr).toMatch(/OMEGA_ERR_VALIDATION/);
      expect(readFileSync(join(dir, 'dist', 'plugin.js'), 'utf8')).toBe(before);
      const skipped = await runCli(OMEGA_PLUGIN, ['build', 'typed', '--no-typecheck'], work);
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(readFileSync(join(dir, 'dist', 'plugin.js'), 'utf8')).toContain('(42, who)');
    } finally {
      writeFileSync(join(dir, 'src', 'index.ts'), good);
    }
  });

  it('checks the code as the isolate runs it: no Node globals, even with types: ["node"] in tsconfig', async () => {
    const nodeish = good.replace(
      "req.query.name ?? 'world'",
      "req.query.name ?? process.env.USER ?? 'world'",
    );
    expect(nodeish).not.toBe(good);
    writeFileSync(join(dir, 'src', 'index.ts'), nodeish);
    try {
      const err = await typeCheckPlugin(dir).then(
        () => undefined,
        (e: { code: string; extras: { errors: Array<{ field: string; message: string }> } }) => e,
      );
      expect(err?.code).toBe('OMEGA_ERR_VALIDATION');
      expect(err?.extras.errors.map((e) => e.message).join('\n')).toMatch(/Cannot find name 'process'/);
    } finally {
      writeFileSync(join(dir, 'src', 'index.ts'), good);
    }
  });
});
