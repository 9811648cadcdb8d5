import { describe, expect, it } from 'vitest';
import { unschedulableReason } from '../src/placement/index.js';

type Summary = Parameters<typeof unschedulableReason>[0];

describe('placement and nodes Slurm manages', () => {
  it('holds a Slurm-managed node out of agent sessions, whatever its state, and says why', () => {
    const slurm = { managedBy: 'slurm', state: 'ready', reason: 'Slurm: idle' } as unknown as Summary;
    expect(unschedulableReason(slurm)).toMatch(/managed by Slurm/);
    const agent = { state: 'ready', reason: 'joined' } as unknown as Summary;
    expect(unschedulableReason(agent)).toBeUndefined();
  });
});
