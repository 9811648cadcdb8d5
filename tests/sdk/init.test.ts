import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initPlugin } from '../../sdk/src/scaffold/index.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { OMEGA_PLUGIN, runCli } from './run-cli.js';

const SDK = realpathSync(join(import.meta.dirname, '..', '..', 'sdk'));
const json = <T = Record<string, unknown>>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('omega-plugin init: a package the author owns, linked to the sdk it ran from', () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'omega-init-')));
  afterAll(() => removeDir(work));

  it('names the package after the plugin and links this sdk by file:, the tools by range', async () => {
    const r = await initPlugin(work, 'hello');
    const pkg = json(join(work, 'hello', 'package.json')) as {
      name: string;
      devDependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('hello');
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
