import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyLimits } from '../../src/exec/cgroup/apply-limits.js';
import { detectCgroupLayout } from '../../src/exec/cgroup/detect-cgroup-layout.js';
import { prepareCgroupBase } from '../../src/exec/cgroup/prepare-cgroup-base.js';
import { SessionCgroup } from '../../src/exec/cgroup/session-cgroup.js';
import { buildEnforcementReport } from '../../src/exec/enforcement-report.js';
import { nodeCpus } from '../../src/exec/executor/node-cpus.js';
import { silentLogger } from '../../src/exec/logger.js';
import { sessionSpecSchema } from '../../src/exec/spec/session-spec.js';

/**
 * The pure cgroup v2 path, which this hybrid machine cannot run with controllers (they are bound
 * to its v1 hierarchies): the driver's file logic against a recorded tree of a systemd host
 * (fixtures/cgroup2-tree: /proc/self/{mounts,cgroup} and /sys/fs/cgroup as such a host has them;
 * the session's counter files in the formats of the kernel's cgroup-v2 documentation, the core
 * ones as this machine's cgroup2 writes them). The v2 core files themselves (freeze, kill, events,
 * cpu.stat) run for real in modes.test.ts.
 */
describe('cgroup v2 with controllers, on a recorded tree', () => {
  let root: string;
  const svc = () => join(root, 'sys/fs/cgroup/system.slice/omega-agent.service');
  const read = async (p: string) => (await readFile(p, 'utf8')).trim();
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'omega-cg2-'));
    await cp(join(import.meta.dirname, 'fixtures', 'cgroup2-tree'), root, { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('detects pure v2 with its controllers, under the agent’s own (delegated) cgroup', async () => {
    const layout = await detectCgroupLayout({ fsRoot: root });
    expect(layout.mode).toBe('v2');
    expect(layout.v1).toEqual({});
    expect(layout.unified).toMatchObject({
      mount: join(root, 'sys/fs/cgroup'),
      own: '/system.slice/omega-agent.service',
      base: join(svc(), 'omega'),
      controllers: ['cpu', 'cpuset', 'memory', 'pids'],
    });
    const flat = await detectCgroupLayout({ fsRoot: root, nest: false, parent: 'sessions' });
    expect(flat.unified?.base).toBe(join(root, 'sys/fs/cgroup/sessions'));
  });

  it('delegates the controllers top-down, only where they are missing', async () => {
    const layout = await prepareCgroupBase(await detectCgroupLayout({ fsRoot: root }), silentLogger);
    expect(layout.mode).toBe('v2');
    expect(layout.unified?.hasKill).toBe(true);
    expect(await read(join(root, 'sys/fs/cgroup/cgroup.subtree_control'))).toBe('cpuset cpu io memory pids'); // had them all
    expect(await read(join(root, 'sys/fs/cgroup/system.slice/cgroup.subtree_control'))).toBe(
      '+cpu +cpuset +memory +pids',
    );
    expect(await read(join(svc(), 'cgroup.subtree_control'))).toBe('+cpu +cpuset +memory +pids');
    expect(await read(join(svc(), 'omega/cgroup.subtree_control'))).toBe('+cpu +cpuset +memory +pids');
  });

  it('creates one leaf per session and writes every limit to the v2 file that enforces it', async () => {
    const layout = await prepareCgroupBase(await detectCgroupLayout({ fsRoot: root }), silentLogger);
    const cg = new SessionCgroup(layout, SessionCgroup.pathsFor(layout, 'job-1'));
    const dir = join(svc(), 'omega/s+job-1');
    expect(cg.paths).toEqual({ unified: dir, v1: {} });
    expect(cg.joinFiles()).toEqual([join(dir, 'cgroup.procs')]);
    expect(cg.killFile()).toBe(join(dir, 'cgroup.kill'));
    expect(cg.freezerFile()).toBeNull();
    await cg.create();
    const res = sessionSpecSchema.parse({
      id: 'job-1',
      command: 'x',
      resources: {
        millicores: 1500,
        cpuWeight: 200,
        memoryBytes: 2 ** 30,
        pidsMax: 512,
        cpus: [2, 3, 5],
        mems: [1],
      },
    }).resources;
    const applied = await applyLimits(cg, layout, res);
    const files = Object.fromEntries(
      await Promise.all(
        [
          'cpu.max',
          'cpu.weight',
          'memory.max',
          'memory.swap.max',
          'memory.oom.group',
          'pids.max',
          'cpuset.cpus',
          'cpuset.mems',
        ].map(async (f) => [f, await read(join(dir, f))]),
      ),
    );
    expect(files).toEqual({
      'cpu.max': '150000 100000',
      'cpu.weight': '200',
      'memory.max': String(2 ** 30),
      'memory.swap.max': '0',
      'memory.oom.group': '1',
      'pids.max': '512',
      'cpuset.cpus': '2-3,5',
      'cpuset.mems': '1',
    });
    expect(applied.map((a) => a.mechanism)).toEqual([
      'cgroup v2 cpuset',
      'cgroup v2 cpu.weight',
      'cgroup v2 cpu.max',
      'cgroup v2 memory.max',
      'cgroup v2 pids.max',
    ]);
  });

  it('reads usage, peak, throttling and OOM kills from the recorded counters', async () => {
    const layout = await prepareCgroupBase(await detectCgroupLayout({ fsRoot: root }), silentLogger);
    const cg = new SessionCgroup(layout, SessionCgroup.pathsFor(layout, 'job-2'));
    await cg.create();
    await cp(join(import.meta.dirname, 'fixtures', 'cgroup2-tree', 'session'), cg.paths.unified!, {
      recursive: true,
    });
    expect(await cg.usage()).toEqual({
      cpuUserSec: 7.901842,
      cpuSystemSec: 0.527328,
      cpuTotalSec: 8.42917,
      throttledSec: 12.744123,
      throttledPeriods: 181,
      memoryCurrentBytes: 52428800,
      memoryPeakBytes: 67108864,
      pidsCurrent: 17,
      oomKills: 2,
    });
    await writeFile(join(cg.paths.unified!, 'cgroup.procs'), '4242\n4243\n');
    expect(await cg.pids()).toEqual([4242, 4243]);
    expect(await cg.isEmpty()).toBe(false); // cgroup.events says populated 1
    await cg.freeze(1000); // the recorded events already say frozen 1
    expect(await read(join(cg.paths.unified!, 'cgroup.freeze'))).toBe('1');
    expect(await cg.isFrozen()).toBe(true);
    await writeFile(join(cg.paths.unified!, 'cgroup.events'), 'populated 0\nfrozen 0\n');
    await cg.thaw(1000);
    expect(await read(join(cg.paths.unified!, 'cgroup.freeze'))).toBe('0');
    await cg.killAll();
    expect(await read(join(cg.paths.unified!, 'cgroup.kill'))).toBe('1');
  });

  it('reports v2 enforcement and offers the cores and nodes of its cpuset', async () => {
    const layout = await prepareCgroupBase(await detectCgroupLayout({ fsRoot: root }), silentLogger);
    expect(await nodeCpus(layout, root)).toEqual({ cpus: [0, 1, 2, 3, 4, 5, 6, 7], mems: [0, 1] });
    const r = buildEnforcementReport({
      layout,
      root: true,
      supervisor: 'helper',
      quota: 'loop',
      cpus: [0],
      mems: [0],
    });
    expect(r.lines).toContain('memory limit: enforced (cgroup v2 memory.max, memory.oom.group)');
    expect(r.lines).toContain('cpu cap: enforced (cgroup v2 cpu.max)');
    expect(r.lines).toContain('pause: enforced (SIGTSTP, then cgroup v2 cgroup.freeze until frozen)');
    expect(r.lines).toContain('tree kill: enforced (cgroup v2 cgroup.kill)');
    expect(r.lines).toContain('usage: enforced (cgroup v2 cpu.stat, cgroup v2 memory)');
  });
});

describe('cgroup detection on other recorded hosts', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'omega-cgd-'));
    await mkdir(join(root, 'proc/self'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const host = async (mounts: string, cgroup: string) => {
    await writeFile(join(root, 'proc/self/mounts'), mounts);
    await writeFile(join(root, 'proc/self/cgroup'), cgroup);
  };

  it('v1 with co-mounted cpu,cpuacct (one directory joined for both)', async () => {
    await host(
      [
        'tmpfs /sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec,mode=755 0 0',
        'cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0',
        'cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0',
        'cgroup /sys/fs/cgroup/freezer cgroup rw,nosuid,nodev,noexec,relatime,freezer 0 0',
      ].join('\n'),
      '4:memory:/system.slice/omega-agent.service\n3:cpu,cpuacct:/system.slice/omega-agent.service\n2:freezer:/\n',
    );
    const layout = await detectCgroupLayout({ fsRoot: root });
    expect(layout.mode).toBe('v1');
    expect(layout.v1.cpu?.base).toBe(
      join(root, '/sys/fs/cgroup/cpu,cpuacct/system.slice/omega-agent.service/omega'),
    );
    expect(layout.v1.cpuacct?.base).toBe(layout.v1.cpu?.base);
    expect(layout.v1.freezer?.base).toBe(join(root, '/sys/fs/cgroup/freezer/omega'));
    expect(layout.notes).toEqual(['controller cpuset is not mounted', 'controller pids is not mounted']);
    const cg = new SessionCgroup(layout, SessionCgroup.pathsFor(layout, 'a'));
    expect(cg.dirs()).toHaveLength(3); // cpu,cpuacct once; memory; freezer
    expect(cg.freezerFile()).toBe(join(layout.v1.freezer!.base, 's+a', 'freezer.state'));
  });

  it('hybrid (this machine’s kind): v1 controllers, a cgroup2 without controllers; forced modes pick one side', async () => {
    await host(
      [
        'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
        'cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0',
        'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
      ].join('\n'),
      '4:memory:/x\n3:pids:/\n0::/\n',
    );
    expect((await detectCgroupLayout({ fsRoot: root })).mode).toBe('hybrid');
    expect((await detectCgroupLayout({ fsRoot: root, mode: 'v1' })).mode).toBe('v1');
    const v2 = await detectCgroupLayout({ fsRoot: root, mode: 'v2' });
    expect([v2.mode, v2.unified?.controllers]).toEqual(['v2', []]);
  });

  it('none: nothing mounted, or a forced mode the host lacks', async () => {
    await host('proc /proc proc rw 0 0\n', '0::/\n');
    const none = await detectCgroupLayout({ fsRoot: root });
    expect([none.mode, none.notes]).toEqual(['none', ['no cgroup hierarchy is mounted']]);
    const forced = await detectCgroupLayout({ fsRoot: root, mode: 'v1' });
    expect(forced.mode).toBe('none');
    expect(forced.notes[0]).toMatch(/configured mode v1 is not available/);
  });
});
