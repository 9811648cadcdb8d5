import { describe, expect, it } from 'vitest';
import type { SessionSpec } from '../src/contract.js';
import {
  type Allocation,
  type Demand,
  demandOf,
  freeCapacity,
  type PlacementNode,
  pendingReason,
  pickCpus,
  schedulePass,
} from '../src/placement/index.js';
import { parseSessionSpec } from '../src/spec/parse-session-spec.js';

const GiB = 2 ** 30;

function node(
  name: string,
  o: Partial<PlacementNode> & { cpus?: number; numaNodes?: number } = {},
): PlacementNode {
  const cpus = o.cpus ?? 8;
  const zones = o.numaNodes ?? 1;
  const per = cpus / zones;
  return {
    id: `id-${name}`,
    name,
    labels: o.labels ?? {},
    numa:
      o.numa ??
      Array.from({ length: zones }, (_, z) => ({
        node: z,
        cpus: Array.from({ length: per }, (_, i) => z * per + i),
      })),
    memoryBytes: o.memoryBytes ?? 16 * GiB,
    gpus: o.gpus ?? [],
    notEnforced: o.notEnforced ?? {},
    ...(o.unschedulable ? { unschedulable: o.unschedulable } : {}),
  };
}

function demand(id: string, body: Record<string, unknown>): Demand {
  const spec: SessionSpec = parseSessionSpec({ command: 'true', ...body }, { placement: 'binpack' });
  return demandOf(id, spec);
}

describe('pickCpus', () => {
  it('keeps a session on one NUMA node, choosing the tightest one that fits', () => {
    const free = new Map([
      [0, new Set([0, 1, 2, 3])],
      [1, new Set([6, 7])],
    ]);
    expect(pickCpus(free, 2)).toEqual({ cpus: [6, 7], mems: [1] });
    expect(pickCpus(free, 3)).toEqual({ cpus: [0, 1, 2], mems: [0] });
  });
  it('spans the fewest NUMA nodes when none has room alone, and refuses what is not free', () => {
    const free = new Map([
      [0, new Set([0, 1, 2])],
      [1, new Set([4, 5])],
      [2, new Set([8])],
    ]);
    expect(pickCpus(free, 5)).toEqual({ cpus: [0, 1, 2, 4, 5], mems: [0, 1] });
    expect(pickCpus(free, 7)).toBeUndefined();
  });
});

describe('schedulePass', () => {
  it('bin-packs: fills the fullest node first, pins whole cores and GPUs by index', () => {
    const nodes = [
      node('h1'),
      node('h2', { gpus: [0, 1].map((index) => ({ index, model: 'NVIDIA A100-SXM4-80GB' })) }),
    ];
    const allocations: Allocation[] = [
      { session: 'old', node: 'id-h2', millicores: 2000, cpus: [0, 1], memoryBytes: GiB, gpus: [] },
    ];
    const free = freeCapacity(nodes, allocations);
    const r = schedulePass(
      [demand('a', { resources: { cores: 2, gpus: { count: 1, model: 'a100' } } })],
      free,
    );
    expect(r.waiting).toEqual([]);
    expect(r.placed[0]?.fit).toEqual({ node: 'id-h2', cpus: [2, 3], mems: [0], gpus: [0] });
    expect(free.get('id-h2')?.millicores).toBe(4000);
    expect(free.get('id-h2')?.freeGpus).toEqual(new Set([1]));
  });

  it('spreads: each session goes to the emptiest node', () => {
    const free = freeCapacity([node('h1'), node('h2'), node('h3')], []);
    const q = ['a', 'b', 'c'].map((id) => demand(id, { placement: 'spread', resources: { cores: 1 } }));
    const r = schedulePass(q, free);
    expect(new Set(r.placed.map((p) => p.fit.node))).toEqual(new Set(['id-h1', 'id-h2', 'id-h3']));
  });

  it('waits with the exact reason when cores are short, and starts when capacity frees', () => {
    const nodes = [node('h1', { cpus: 4 }), node('h3', { cpus: 4 })];
    const busy: Allocation[] = [
      { session: 'x', node: 'id-h1', millicores: 4000, cpus: [0, 1, 2, 3], memoryBytes: GiB, gpus: [] },
      { session: 'y', node: 'id-h3', millicores: 2000, cpus: [0, 1], memoryBytes: GiB, gpus: [] },
    ];
    const waitOn = schedulePass([demand('big', { resources: { cores: 4 } })], freeCapacity(nodes, busy));
    expect(waitOn.placed).toEqual([]);
    expect(waitOn.waiting[0]?.reason).toBe('needs 4 cores; the largest free is 2 on h3');
    const later = schedulePass(
      [demand('big', { resources: { cores: 4 } })],
      freeCapacity(nodes, busy.slice(1, 1)),
    );
    expect(later.placed[0]?.fit.node).toBe('id-h1');
  });

  it('over capacity: packs a prefix, backfills, leaves the trials no trace, and explains each wait on the state it leaves', () => {
    const nodes = [
      node('h1', { cpus: 8 }),
      node('h2', { cpus: 4, memoryBytes: 4 * GiB }),
      node('h3', { cpus: 6 }),
    ];
    const free = freeCapacity(nodes, []);
    const before = new Map([...free].map(([id, f]) => [id, f]));
    const q = [
      ...Array.from({ length: 6 }, (_, i) => demand(`c${i}`, { resources: { cores: 3, memory: '2G' } })),
      demand('m', { resources: { millicores: 500, memory: '1G' } }),
      demand('huge', { resources: { cores: 2, memory: '20G' } }),
      demand('gpu', { resources: { gpus: 1 } }),
    ];
    const r = schedulePass(q, free);
    // 15 cores hold five 3-core sessions (the longest prefix that packs); the half core backfills
    expect(r.placed.map((p) => p.demand.session).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'm']);
    expect(r.waiting.map((w) => w.demand.session)).toEqual(['c5', 'huge', 'gpu']);
    // nothing is handed out twice: the free CPUs left plus those placed are each node's own
    for (const n of nodes) {
      const f = free.get(n.id)!;
      const taken = r.placed.filter((p) => p.fit.node === n.id).flatMap((p) => p.fit.cpus ?? []);
      const left = [...f.freeCpus.values()].flatMap((s) => [...s]);
      expect([...taken, ...left].sort((a, b) => a - b)).toEqual(n.numa.flatMap((z) => z.cpus));
      const ms = r.placed.filter((p) => p.fit.node === n.id).reduce((s, p) => s + p.demand.millicores, 0);
      expect(f.millicores).toBe(f.totalMillicores - ms);
      // the caller's own objects were replaced, never written in place by a trial
      if (ms > 0) expect(f).not.toBe(before.get(n.id));
    }
    for (const w of r.waiting) expect(w.reason).toBe(pendingReason(w.demand, free));
    expect(r.waiting.find((w) => w.demand.session === 'gpu')?.reason).toMatch(/fewer than 1 GPUs/);
  });

  it('names memory, GPUs, holds, selectors and unenforced limits in the reasons', () => {
    const nodes = [
      node('h1', { memoryBytes: 4 * GiB, labels: { rack: 'a' } }),
      node('h2', { unschedulable: 'is cordoned', labels: { rack: 'b' } }),
      node('h3', {
        labels: { rack: 'c' },
        notEnforced: { memory: 'memory limit: not enforced (no writable cgroup)' },
      }),
    ];
    const free = freeCapacity(nodes, []);
    const reason = (body: Record<string, unknown>) => pendingReason(demand('d', body), free);
    expect(reason({ resources: { memory: '8G' }, nodeSelector: 'rack=a' })).toBe(
      'needs 8 GiB memory; the largest node has 4 GiB (h1)',
    );
    expect(reason({ nodeSelector: 'rack=z' })).toBe('no node matches the node selector');
    expect(reason({ nodeSelector: 'rack=b' })).toBe('no node can take it: h2 is cordoned');
    expect(reason({ nodeSelector: 'rack=c' })).toMatch(
      /^no node can take it: h3 does not enforce the memory limit/,
    );
    expect(reason({ nodeSelector: 'rack=a', resources: { gpus: 1 } })).toBe(
      'no node can take it: h1 has fewer than 1 GPUs',
    );
    expect(reason({ nodeSelector: 'rack=c', enforcement: 'best-effort', resources: { cores: 16 } })).toBe(
      'needs 16 cores; the largest node has 8 cores (h3)',
    );
  });

  it('places a session with a disk quota only on a node that enforces one (best-effort: anywhere)', () => {
    const nodes = [
      node('h1', { notEnforced: { diskQuota: 'disk quota: not enforced (the agent is not root)' } }),
      node('h2', { cpus: 4 }),
    ];
    const pass = (body: Record<string, unknown>) =>
      schedulePass([demand('q', { resources: { cores: 1, ...body } })], freeCapacity(nodes, [])).placed.map(
        (p) => p.fit.node,
      );
    expect(pass({ disk: '1G' })).toEqual(['id-h2']);
    expect(pass({})).toEqual(['id-h1']); // bin-packing prefers h1 otherwise: the quota decided
    const onlyH1 = freeCapacity([nodes[0]!], []);
    expect(pendingReason(demand('q', { resources: { disk: '1G' } }), onlyH1)).toBe(
      'no node can take it: h1 does not enforce the disk quota (disk quota: not enforced (the agent is not root))',
    );
    expect(
      schedulePass(
        [demand('q', { enforcement: 'best-effort', resources: { disk: '1G' } })],
        freeCapacity([nodes[0]!], []),
      ).placed,
    ).toHaveLength(1);
  });

  it('starts pending sessions by priority, then age, when not all fit', () => {
    const free = freeCapacity([node('h1', { cpus: 4 })], []);
    const q = [
      demand('high', { priority: 10, resources: { cores: 3 } }),
      demand('old', { resources: { cores: 2 } }),
      demand('young', { resources: { cores: 1 } }),
    ];
    const r = schedulePass(q, free);
    expect(r.placed.map((p) => p.demand.session).sort()).toEqual(['high', 'young']);
    expect(r.waiting.map((w) => w.demand.session)).toEqual(['old']);
  });

  it('packs a batch as tightly as first-fit decreasing', () => {
    const nodes = Array.from({ length: 4 }, (_, i) => node(`n${i}`, { cpus: 10, memoryBytes: 1000 * GiB }));
    const sizes = [2, 5, 4, 7, 1, 3, 8, 2, 6, 2];
    const q = sizes.map((c, i) => demand(`s${i}`, { resources: { cores: c, memory: '1G' } }));
    const r = schedulePass(q, freeCapacity(nodes, []));
    expect(r.waiting).toEqual([]);
    const used = new Set(r.placed.map((p) => p.fit.node));
    expect(used.size).toBe(4); // 40 cores asked, 4 × 10: FFD fills all four exactly
  });
});
