import { describe, expect, it } from 'vitest';
import { type PluginManifest, parseManifest, planLoad } from '../../kernel/plugins/index.js';
import { manifestFor } from './write-plugin.js';

const plugin = (name: string, extra: Record<string, unknown> = {}): { manifest: PluginManifest } => ({
  manifest: parseManifest(manifestFor(name, extra), `${name}/plugin.json`),
});

const plan = (plugins: { manifest: PluginManifest }[], kernelVersion = '0.1.0') => {
  const p = planLoad(plugins, { kernelVersion });
  return {
    start: p.start.map((x) => x.manifest.name),
    refused: Object.fromEntries(p.refused.map((r) => [r.name, r.reasons.map((e) => e.code)])),
    raw: p,
  };
};

describe('planLoad', () => {
  it('starts dependencies first, ties by name, whatever the input order', () => {
    const plugins = [
      plugin('sessions', { dependencies: { nodes: '^1.0.0', security: '^1.0.0' } }),
      plugin('nodes', { dependencies: { metrics: '^1.0.0' } }),
      plugin('security'),
      plugin('metrics'),
      plugin('alpha'),
    ];
    const want = ['alpha', 'metrics', 'nodes', 'security', 'sessions'];
    expect(plan(plugins).start).toEqual(want);
    expect(plan([...plugins].reverse()).start).toEqual(want);
    expect(plan(plugins).refused).toEqual({});
  });

  it('refuses a plugin whose engines.omega excludes the kernel, saying both', () => {
    const { start, refused, raw } = plan(
      [plugin('old', { engines: { omega: '^0.0.1' } }), plugin('ok')],
      '0.1.0',
    );
    expect(start).toEqual(['ok']);
    expect(refused).toEqual({ old: ['OMEGA_ERR_PLUGIN_INCOMPATIBLE'] });
    const err = raw.refused[0]!.reasons[0]!;
    expect(err.message).toContain('0.1.0');
    expect(err.message).toContain('^0.0.1');
    expect(err.extras).toMatchObject({ kernelVersion: '0.1.0', range: '^0.0.1' });
  });

  it('accepts a prerelease kernel inside the range', () => {
    expect(plan([plugin('pp', { engines: { omega: '>=0.1.0' } })], '0.2.0-dev.1').start).toEqual(['pp']);
  });

  it('refuses missing and out-of-range dependencies, saying who wants what', () => {
    const { refused, raw } = plan([
      plugin('aa', { dependencies: { ghost: '^1.0.0' } }),
      plugin('bb', { dependencies: { cc: '^2.0.0' } }),
      plugin('cc', { version: '1.4.0' }),
    ]);
    expect(refused).toEqual({ aa: ['OMEGA_ERR_PLUGIN_DEPENDENCY'], bb: ['OMEGA_ERR_PLUGIN_DEPENDENCY'] });
    const [a, b] = raw.refused;
    expect(a!.reasons[0]!.message).toMatch(/"aa" needs "ghost" \^1\.0\.0, which is not installed/);
    expect(b!.reasons[0]!.extras).toMatchObject({
      plugin: 'bb',
      dependency: 'cc',
      range: '^2.0.0',
      found: '1.4.0',
    });
    expect(raw.start.map((p) => p.manifest.name)).toEqual(['cc']);
  });

  it('refuses every member of a cycle with the cycle path, and their dependents', () => {
    const { start, refused, raw } = plan([
      plugin('aa', { dependencies: { bb: '*' } }),
      plugin('bb', { dependencies: { cc: '*' } }),
      plugin('cc', { dependencies: { aa: '*' } }),
      plugin('dd', { dependencies: { aa: '*' } }),
      plugin('ee'),
    ]);
    expect(start).toEqual(['ee']);
    expect(Object.keys(refused)).toEqual(['aa', 'bb', 'cc', 'dd']);
    const a = raw.refused[0]!.reasons;
    expect(a).toHaveLength(1);
    expect(a[0]!.extras.cycle).toEqual(['aa', 'bb', 'cc', 'aa']);
    expect(a[0]!.message).toContain('aa → bb → cc → aa');
    const d = raw.refused[3]!.reasons;
    expect(d[0]!.extras).toMatchObject({ plugin: 'dd', dependency: 'aa' });
    expect(d[0]!.message).toContain('dependency cycle');
  });

  it('reports a cycle path that really is a cycle', () => {
    // aa→bb, bb→cc, bb→dd, cc→bb, dd→aa: a greedy walk aa→bb→cc gets stuck; the path must be aa → bb → dd → aa.
    const { raw } = plan([
      plugin('aa', { dependencies: { bb: '*' } }),
      plugin('bb', { dependencies: { cc: '*', dd: '*' } }),
      plugin('cc', { dependencies: { bb: '*' } }),
      plugin('dd', { dependencies: { aa: '*' } }),
    ]);
    expect(raw.refused.map((r) => r.name)).toEqual(['aa', 'bb', 'cc', 'dd']);
    expect(raw.refused[0]!.reasons[0]!.extras.cycle).toEqual(['aa', 'bb', 'dd', 'aa']);
  });

  it('refuses transitively, naming the refused dependency and its reason', () => {
    const { start, refused, raw } = plan([
      plugin('base', { engines: { omega: '^9.0.0' } }),
      plugin('mid', { dependencies: { base: '^1.0.0' } }),
      plugin('top', { dependencies: { mid: '^1.0.0' } }),
      plugin('free'),
    ]);
    expect(start).toEqual(['free']);
    expect(refused).toEqual({
      base: ['OMEGA_ERR_PLUGIN_INCOMPATIBLE'],
      mid: ['OMEGA_ERR_PLUGIN_DEPENDENCY'],
      top: ['OMEGA_ERR_PLUGIN_DEPENDENCY'],
    });
    const top = raw.refused.find((r) => r.name === 'top')!.reasons[0]!;
    expect(top.message).toContain('"mid"');
    expect(top.extras.dependency).toBe('mid');
  });
});
