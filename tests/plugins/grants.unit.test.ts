import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { loadGrants, missingGrants, parseManifest, saveGrants } from '../../kernel/plugins/index.js';
import { manifestFor } from './write-plugin.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omega-grants-'));
  file = join(dir, 'grants.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fieldOf = async (text: string): Promise<string | undefined> => {
  await writeFile(file, text);
  try {
    await loadGrants(file);
  } catch (err) {
    expect(hasErrorCode(err, 'OMEGA_ERR_CONFIG_INVALID')).toBe(true);
    const e = err as { message: string; extras: { file: string; field?: string } };
    expect(e.extras.file).toBe(file);
    expect(e.message).toContain(file);
    return e.extras.field ?? '(parse)';
  }
  return undefined;
};

describe('grants file', () => {
  it('is empty when missing', async () => {
    expect(await loadGrants(file)).toEqual({});
  });

  it('round-trips through save and load, sorted, canonical, readable', async () => {
    await saveGrants(file, {
      sessions: { granted: ['storage'], denied: [] },
      nodes: { granted: ['storage', 'net:fetch:https://EXAMPLE.com:443'], denied: ['system:read:gpu'] },
    });
    const text = await readFile(file, 'utf8');
    expect(text.indexOf('"nodes"')).toBeLessThan(text.indexOf('"sessions"'));
    expect(text).toContain('\n  "nodes": {\n');
    expect(text.endsWith('\n')).toBe(true);
    expect(await loadGrants(file)).toEqual({
      nodes: { granted: ['storage', 'net:fetch:https://example.com'], denied: ['system:read:gpu'] },
      sessions: { granted: ['storage'], denied: [] },
    });
    expect((await readdir(dir)).sort()).toEqual(['grants.json']); // no temp file left behind
  });

  it('accepts an operator-written file with denied omitted', async () => {
    await writeFile(file, '{ "nodes": { "granted": ["log"] } }');
    expect(await loadGrants(file)).toEqual({ nodes: { granted: ['log'], denied: [] } });
  });

  it.each([
    ['{ "nodes": { "granted": ["storage", "fs:read"] } }', 'nodes.granted[1]'],
    ['{ "nodes": { "denied": [42] } }', 'nodes.denied[0]'],
    ['{ "nodes": { "granted": "storage" } }', 'nodes.granted'],
    ['{ "nodes": { "grated": [] } }', 'nodes.grated'],
    ['{ "Bad_Name": { "granted": [] } }', 'Bad_Name'],
    ['{ "nodes": [] }', 'nodes'],
    ['[]', '(root)'],
    ['{ nope', '(parse)'],
  ])('refuses %s naming %s', async (text, field) => {
    expect(await fieldOf(text)).toBe(field);
  });

  it('refuses to save invalid grants and leaves the old file intact', async () => {
    await saveGrants(file, { nodes: { granted: ['log'], denied: [] } });
    await expect(saveGrants(file, { nodes: { granted: ['nope'], denied: [] } })).rejects.toMatchObject({
      code: 'OMEGA_ERR_CONFIG_INVALID',
    });
    expect(await loadGrants(file)).toEqual({ nodes: { granted: ['log'], denied: [] } });
  });
});

describe('missingGrants', () => {
  const manifest = parseManifest(
    manifestFor('nodes', {
      permissions: ['storage', 'events:publish:nodes.*', 'system:read:cpu', 'net:fetch:https://a.example'],
    }),
    'nodes/plugin.json',
  );

  it('lists every declared permission when nothing is granted', () => {
    expect(missingGrants(manifest, {})).toEqual(manifest.permissions);
  });

  it('counts a covering grant or a deny as decided, a narrower grant as not', () => {
    expect(
      missingGrants(manifest, {
        nodes: {
          granted: ['storage', 'events:publish:nodes.up', 'system:read:*'],
          denied: ['net:fetch:https://A.EXAMPLE:443'],
        },
      }),
    ).toEqual(['events:publish:nodes.*']);
  });

  it('never counts net:fetch:* (origins of the operator’s choosing) as missing', () => {
    const hooks = parseManifest(
      manifestFor('hooks', { permissions: ['storage', 'net:fetch:*'] }),
      'hooks/plugin.json',
    );
    expect(missingGrants(hooks, { hooks: { granted: ['storage'], denied: [] } })).toEqual([]);
  });

  it("ignores other plugins' grants", () => {
    expect(missingGrants(manifest, { other: { granted: manifest.permissions, denied: [] } })).toHaveLength(4);
  });
});
