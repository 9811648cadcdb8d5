import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { parseManifest } from '../../kernel/plugins/index.js';
import {
  describeContainment,
  millicoresToQuotaUs,
  prepareHostCgroups,
  resolveLimits,
} from '../../kernel/sandbox/index.js';
import { consentPlan, describePlan, permissionDiff } from '../../marketplace/resolve/index.js';
import { manifestFor } from '../plugins/write-plugin.js';

const KEY = { kid: 'key-a' };

describe('the CPU share in the manifest limits', () => {
  it('defaults to half a core and is bounded', () => {
    expect(parseManifest(manifestFor('demo'), 'demo/plugin.json').limits.cpuMillicores).toBe(500);
    const m = parseManifest(manifestFor('demo', { limits: { cpuMillicores: 250 } }), 'demo/plugin.json');
    expect(m.limits.cpuMillicores).toBe(250);
    for (const bad of [0, 99, 8_001, 1.5, '500']) {
      try {
        parseManifest(manifestFor('demo', { limits: { cpuMillicores: bad } }), 'demo/plugin.json');
        expect.unreachable(`${bad} was accepted`);
      } catch (err) {
        expect(hasErrorCode(err, 'OMEGA_ERR_MANIFEST_INVALID'), String(bad)).toBe(true);
      }
    }
  });

  it('is the CPU credit rate unless one is set, and a CFS quota per 100 ms', () => {
    expect(resolveLimits({ cpuMillicores: 250 })).toMatchObject({ cpuMillicores: 250, cpuRefillPerSec: 250 });
    expect(resolveLimits({ cpuMillicores: 250, cpuRefillPerSec: 100 }).cpuRefillPerSec).toBe(100);
    expect(millicoresToQuotaUs(250)).toBe(25_000);
    expect(millicoresToQuotaUs(2_000)).toBe(200_000);
    expect(millicoresToQuotaUs(1)).toBe(1_000);
  });

  it('a larger share is an escalation in the install consent and the upgrade diff', () => {
    const at = (cpuMillicores: number) => ({
      permissions: ['storage'],
      limits: { memoryMb: 64, callTimeoutMs: 5000, cpuMillicores },
      publisher: KEY,
    });
    const fresh = permissionDiff(undefined, at(2_000));
    expect(fresh.limits).toEqual([{ limit: 'cpuMillicores', from: 500, to: 2_000 }]);
    expect(fresh.escalating).toBe(true);
    const up = permissionDiff(at(500), at(1_000));
    expect(up).toMatchObject({
      limits: [{ limit: 'cpuMillicores', from: 500, to: 1_000 }],
      escalating: true,
    });
    const plan = consentPlan({ op: 'upgrade', name: 'demo' }, [
      {
        name: 'demo',
        from: '1.0.0',
        to: '1.1.0',
        source: 'file',
        publisher: 'key-a',
        artifact: 'x',
        diff: up,
      },
    ]);
    expect(describePlan(plan)).toContain('↑ limit cpuMillicores 500 → 1000');
    // A smaller share asks for less: no consent needed for it.
    expect(permissionDiff(at(1_000), at(250))).toMatchObject({ limits: [], escalating: false });
  });
});

describe('cgroup detection on recorded /proc trees', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  /** A fake root: /proc/self/{mounts,cgroup} plus the cgroup directories as plain folders. */
  async function tree(mounts: string, cgroup: string, files: Record<string, string>): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'omega-cg-'));
    dirs.push(root);
    await mkdir(join(root, 'proc/self'), { recursive: true });
    await writeFile(join(root, 'proc/self/mounts'), mounts);
    await writeFile(join(root, 'proc/self/cgroup'), cgroup);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  }

  it('pure v2: controllers delegated down to the kernel-owned directory', async () => {
    const root = await tree('cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n', '0::/\n', {
      'sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory pids',
      'sys/fs/cgroup/cgroup.subtree_control': '',
    });
    const layout = await prepareHostCgroups({ fsRoot: root });
    expect(layout.mode).toBe('v2');
    expect(layout.placements).toHaveLength(1);
    expect(layout.placements[0]?.roles.sort()).toEqual(['cpu', 'memory', 'pids', 'usage']);
    const dir = layout.placements[0]?.dir ?? '';
    expect(dir).toMatch(/\/sys\/fs\/cgroup\/omega-plugins-k\d+-\d+$/);
    // Enabled top-down: in the kernel's own cgroup, then in the sandbox's (for its hosts).
    expect(await readFile(join(root, 'sys/fs/cgroup/cgroup.subtree_control'), 'utf8')).toBe(
      '+cpu +memory +pids',
    );
    expect(await readFile(join(dir, 'cgroup.subtree_control'), 'utf8')).toBe('+cpu +memory +pids');
    expect(layout.notes).toEqual([]);
  });

  it('no cgroup mounted, or disabled: nothing enforced, and the status says what holds the host instead', async () => {
    const root = await tree('proc /proc proc rw 0 0\n', '', {});
    const layout = await prepareHostCgroups({ fsRoot: root });
    expect(layout.mode).toBe('none');
    expect(layout.notes.join(' ')).toMatch(/cpu cap is not enforced/);
    const c = describeContainment(layout, undefined, resolveLimits({ cpuMillicores: 300 }), 1 << 28);
    expect(c).toMatchObject({ cgroup: 'none', cpuMillicores: 300 });
    expect(c.enforced.cpu).toMatch(/cpu credit/);
    expect(c.enforced.memory).toBe(`RLIMIT_DATA ${1 << 28} bytes`);
    expect(c.notEnforced.join(' ')).toMatch(/cpu share 300m is not a cgroup cap/);
    expect((await prepareHostCgroups({ mode: 'none' })).notes).toEqual(['cgroups disabled by configuration']);
  });
});
