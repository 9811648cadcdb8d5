import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeIntegrity, discoverPlugins, verifyIntegrity } from '../../kernel/plugins/index.js';
import { bundleFor, manifestFor, writePlugin } from './write-plugin.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'omega-discover-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('verifyIntegrity', () => {
  it('accepts the bundle it was computed from and nothing else', () => {
    const bytes = Buffer.from(bundleFor('x'));
    const integrity = computeIntegrity(bytes);
    expect(integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(verifyIntegrity(bytes, integrity)).toBe(true);
    expect(verifyIntegrity(Buffer.from(`${bundleFor('x')} `), integrity)).toBe(false);
    expect(verifyIntegrity(bytes, integrity.replace('sha512-', 'sha384-'))).toBe(false);
    expect(verifyIntegrity(bytes, 'sha512-')).toBe(false);
    expect(verifyIntegrity(bytes, `${integrity.slice(0, -4)}AA==`)).toBe(false);
    expect(verifyIntegrity(bytes, 42 as unknown as string)).toBe(false);
  });
});

describe('discoverPlugins', () => {
  it('finds valid plugins in several folders, sorted, with the verified code', async () => {
    const bundled = join(root, 'bundled');
    const installed = join(root, 'installed');
    await writePlugin(bundled, 'nodes', manifestFor('nodes'));
    await writePlugin(bundled, 'metrics', manifestFor('metrics'));
    await writePlugin(installed, 'slurm', manifestFor('slurm'));
    const { plugins, errors } = await discoverPlugins({ dirs: [bundled, installed] });
    expect(errors).toEqual([]);
    expect(plugins.map((p) => p.manifest.name)).toEqual(['metrics', 'nodes', 'slurm']);
    const nodes = plugins[1]!;
    expect(nodes.dir).toBe(join(bundled, 'nodes'));
    expect(nodes.manifestPath).toBe(join(bundled, 'nodes', 'plugin.json'));
    expect(nodes.code).toBe(bundleFor('nodes'));
  });

  it('treats a missing folder as empty and skips dot-folders and files', async () => {
    await writePlugin(root, 'nodes', manifestFor('nodes'));
    await mkdir(join(root, '.install-tmp'));
    await writeFile(join(root, 'README.txt'), 'hi');
    const { plugins, errors } = await discoverPlugins({ dirs: [root, join(root, 'absent')] });
    expect(plugins.map((p) => p.manifest.name)).toEqual(['nodes']);
    expect(errors).toEqual([]);
  });

  it('reports each bad plugin and keeps the good ones', async () => {
    await writePlugin(root, 'good', manifestFor('good'));
    await writePlugin(root, 'tampered', manifestFor('tampered'), 'export const plugin = { evil: true };\n');
    await writePlugin(root, 'badjson', '{ "name": ');
    await writePlugin(root, 'badfield', manifestFor('badfield', { version: 'one' }));
    await writePlugin(root, 'renamed', manifestFor('other'));
    await writePlugin(root, 'nobundle', manifestFor('nobundle', { main: 'dist/missing.js' }));
    await mkdir(join(root, 'empty'));
    const { plugins, errors } = await discoverPlugins({ dirs: [root] });
    expect(plugins.map((p) => p.manifest.name)).toEqual(['good']);
    const byDir = Object.fromEntries(
      errors.map((e) => [
        e.dirs[0]!.slice(root.length + 1),
        { code: e.error.code, field: e.error.extras.field },
      ]),
    );
    expect(byDir).toEqual({
      badfield: { code: 'OMEGA_ERR_MANIFEST_INVALID', field: 'version' },
      badjson: { code: 'OMEGA_ERR_MANIFEST_INVALID', field: undefined },
      empty: { code: 'OMEGA_ERR_MANIFEST_INVALID', field: undefined },
      nobundle: { code: 'OMEGA_ERR_MANIFEST_INVALID', field: 'main' },
      renamed: { code: 'OMEGA_ERR_MANIFEST_INVALID', field: 'name' },
      tampered: { code: 'OMEGA_ERR_MANIFEST_INVALID', field: 'integrity' },
    });
  });

  it('refuses a main that escapes the plugin folder through a symlink', async () => {
    const dir = await writePlugin(root, 'sneaky', manifestFor('sneaky', { main: 'dist/link.js' }));
    const outside = join(root, 'outside.js');
    await writeFile(outside, bundleFor('sneaky'));
    await symlink(outside, join(dir, 'dist', 'link.js'));
    const { plugins, errors } = await discoverPlugins({ dirs: [root] });
    expect(plugins).toEqual([]);
    expect(errors.find((e) => e.dirs[0] === dir)?.error.extras.field).toBe('main');
  });

  it('refuses a name found in two folders, naming both, and uses neither', async () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    await writePlugin(a, 'nodes', manifestFor('nodes'));
    await writePlugin(b, 'nodes', manifestFor('nodes', { version: '2.0.0' }));
    await writePlugin(b, 'metrics', manifestFor('metrics'));
    const { plugins, errors } = await discoverPlugins({ dirs: [a, b] });
    expect(plugins.map((p) => p.manifest.name)).toEqual(['metrics']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.name).toBe('nodes');
    expect(errors[0]!.dirs).toEqual([join(a, 'nodes'), join(b, 'nodes')]);
    expect(errors[0]!.error.code).toBe('OMEGA_ERR_ALREADY_EXISTS');
    expect(errors[0]!.error.message).toContain(join(a, 'nodes'));
    expect(errors[0]!.error.message).toContain(join(b, 'nodes'));
  });
});
