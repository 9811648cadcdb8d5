import { describe, expect, it } from 'vitest';
import type { NodeEntry } from '../src/registry/node-record.js';
import { mapSlurmState } from '../src/slurm/map-slurm-state.js';
import { readSlurmNodes } from '../src/slurm/read-slurm-nodes.js';
import { SLURM_STALE_MS, SlurmNodes } from '../src/slurm/slurm-nodes.js';

/* The Slurm mirror on its own: state mapping, the report reader's bounds, and the sweep's bound. */

const submit = (state: string) => ({ record: { state } }) as unknown as NodeEntry;

describe('mapSlurmState', () => {
  it('maps every Slurm state the agent reports', () => {
    for (const s of ['idle', 'mixed', 'allocated', 'completing'])
      expect(mapSlurmState(s, null)).toEqual({ state: 'ready', reason: `Slurm: ${s}` });
    expect(mapSlurmState('draining', 'r')).toEqual({
      state: 'ready',
      reason: 'Slurm: draining: r',
      hold: 'drain',
    });
    expect(mapSlurmState('drained', 'r')).toEqual({
      state: 'ready',
      reason: 'Slurm: drained: r',
      hold: 'cordon',
    });
    expect(mapSlurmState('down', 'Not responding').state).toBe('down');
    expect(mapSlurmState('future', null)).toEqual({
      state: 'down',
      reason: 'Slurm: future (not in service)',
    });
    expect(mapSlurmState('unknown', null).state).toBe('down');
  });
});

describe('readSlurmNodes', () => {
  it('keeps valid nodes only, bounded, first of a repeated name', () => {
    const got = readSlurmNodes({
      nodes: [
        { name: 'a', state: 'IDLE', cpus: -3, memoryMiB: 'x', gpus: 1e9, partitions: ['p', 7, 'bad name'] },
        { name: 'a', state: 'down' },
        { name: '../etc', state: 'idle' },
        'nope',
      ],
    });
    expect(got).toEqual([
      {
        name: 'a',
        state: 'idle',
        reason: null,
        cpus: 0,
        allocatedCpus: 0,
        memoryMiB: 0,
        allocatedMemoryMiB: 0,
        gpus: 64,
        partitions: ['p'],
      },
    ]);
    expect(readSlurmNodes({ nodes: 'x' })).toBeUndefined();
    expect(readSlurmNodes(null)).toBeUndefined();
  });
});

describe('SlurmNodes.sweep', () => {
  const node = {
    name: 'c1',
    state: 'idle',
    reason: null,
    cpus: 1,
    allocatedCpus: 0,
    memoryMiB: 1,
    allocatedMemoryMiB: 0,
    gpus: 0,
    partitions: [],
  };

  it('keeps a reporting host; drops one silent past the bound, gone, or left', () => {
    const s = new SlurmNodes(() => false);
    s.update({ id: 'nd-a', name: 'a' }, [node], 1_000);
    s.update({ id: 'nd-b', name: 'b' }, [node], 1_000);
    s.update({ id: 'nd-c', name: 'c' }, [node], 1_000);
    expect(s.sortedByName().map((e) => e.record.name)).toEqual(['c1', 'c1@b', 'c1@c']);
    const hosts = new Map([
      ['nd-a', submit('down')],
      ['nd-c', submit('left')],
    ]);
    expect(s.sweep(1_000 + SLURM_STALE_MS, (id) => hosts.get(id))).toEqual(['nd-b', 'nd-c']);
    expect(s.size).toBe(1);
    expect(s.sweep(2_000 + SLURM_STALE_MS, (id) => hosts.get(id))).toEqual(['nd-a']);
    expect(s.size).toBe(0);
    expect(s.find('c1')).toBeUndefined();
  });
});
