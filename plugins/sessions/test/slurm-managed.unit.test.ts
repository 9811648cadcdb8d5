import { describe, expect, it } from 'vitest';
import { toPlacementNode, unschedulableReason } from '../src/placement/index.js';

type Summary = Parameters<typeof unschedulableReason>[0];

const capacity = { cores: 4, threads: 8, memoryBytes: 8 * 2 ** 30, gpus: [], numa: [] };

describe('placement and nodes Slurm manages', () => {
  it('holds a Slurm-managed node out of agent sessions, whatever its state, and says why', () => {
    const slurm = {
      managedBy: 'slurm',
      state: 'ready',
      reason: 'Slurm: idle',
      capacity,
    } as unknown as Summary;
    expect(unschedulableReason(slurm)).toMatch(/managed by Slurm/);
    // What placement weighs carries the same hold (the check that moved here from the nodes test).
    expect(toPlacementNode(slurm).unschedulable).toMatch(/managed by Slurm/);
    const agent = { state: 'ready', reason: 'joined', capacity } as unknown as Summary;
    expect(unschedulableReason(agent)).toBeUndefined();
    expect(toPlacementNode(agent).unschedulable).toBeUndefined();
  });
});
