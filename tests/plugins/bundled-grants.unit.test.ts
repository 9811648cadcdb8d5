import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { loadGrants, saveGrants } from '../../kernel/plugins/index.js';
import { bundledRecordFile, mergeBundledGrants } from '../../kernel/plugins/manager/index.js';

let dir: string;
let bundled: string;
let grantsFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omega-bundled-grants-'));
  bundled = join(dir, 'bundled');
  await mkdir(bundled);
  grantsFile = join(dir, 'data', 'grants.json');
  await mkdir(join(dir, 'data'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const release = (defaults: Record<string, string[]>) =>
  writeFile(
    join(bundled, 'grants.json'),
    JSON.stringify(
      Object.fromEntries(Object.entries(defaults).map(([n, granted]) => [n, { granted, denied: [] }])),
    ),
  );

describe('default grants of bundled plugins', () => {
  it('seeds the whole file on first start and records what was offered', async () => {
    await release({ security: ['storage'], metrics: ['timers'] });
    expect(await mergeBundledGrants(grantsFile, [bundled])).toEqual({
      added: ['security', 'metrics'],
      kept: [],
    });
    expect(Object.keys(await loadGrants(grantsFile)).sort()).toEqual(['metrics', 'security']);
    const record = JSON.parse(await readFile(bundledRecordFile(grantsFile), 'utf8'));
    expect(record.offered).toEqual(['metrics', 'security']);
  });

  it('adds a plugin a new release bundles to an existing install, keeping every operator decision', async () => {
    await release({ security: ['storage'], metrics: ['timers'] });
    await mergeBundledGrants(grantsFile, [bundled]);
    // The operator narrows metrics and grants a third-party plugin.
    const edited = await loadGrants(grantsFile);
    edited.metrics = { granted: [], denied: ['timers'] };
    edited.thirdparty = { granted: ['log'], denied: [] };
    await saveGrants(grantsFile, edited);

    await release({
      security: ['storage'],
      metrics: ['timers', 'log'],
      nodes: ['storage', 'agents:gateway'],
    });
    expect(await mergeBundledGrants(grantsFile, [bundled])).toEqual({ added: ['nodes'], kept: [] });
    const after = await loadGrants(grantsFile);
    expect(after.nodes?.granted).toEqual(['storage', 'agents:gateway']);
    expect(after.metrics).toEqual({ granted: [], denied: ['timers'] }); // changed defaults are not merged
    expect(after.thirdparty?.granted).toEqual(['log']);
  });

  it('never grants again a bundled plugin the operator removed', async () => {
    await release({ security: ['storage'], nodes: ['storage'] });
    await mergeBundledGrants(grantsFile, [bundled]);
    const edited = await loadGrants(grantsFile);
    delete edited.nodes;
    await saveGrants(grantsFile, edited);
    expect(await mergeBundledGrants(grantsFile, [bundled])).toEqual({ added: [], kept: [] });
    expect(Object.keys(await loadGrants(grantsFile))).toEqual(['security']);
  });

  it('on an install from before the record, counts what the grants file names as decided', async () => {
    await saveGrants(grantsFile, { security: { granted: [], denied: ['storage'] } });
    await release({ security: ['storage'], nodes: ['storage'] });
    expect(await mergeBundledGrants(grantsFile, [bundled])).toEqual({ added: ['nodes'], kept: [] });
    expect((await loadGrants(grantsFile)).security).toEqual({ granted: [], denied: ['storage'] });
  });

  it('refuses a damaged record with a coded error that says how to recover, and loses nothing', async () => {
    await release({ security: ['storage'] });
    await mergeBundledGrants(grantsFile, [bundled]);
    const before = await readFile(grantsFile, 'utf8');
    await writeFile(bundledRecordFile(grantsFile), '{"offered": 7}');
    const err = await mergeBundledGrants(grantsFile, [bundled]).catch((e: unknown) => e);
    expect(hasErrorCode(err, 'OMEGA_ERR_CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(/delete it/);
    expect(await readFile(grantsFile, 'utf8')).toBe(before);
  });
});
