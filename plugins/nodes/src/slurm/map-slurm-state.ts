import type { NodeState } from '../contract.js';

/** Omega's view of a Slurm node's state: the node state, its reason, and Slurm's hold. */
export interface MappedSlurmState {
  state: NodeState;
  reason: string;
  /** `drained`: no new work (cordoned); `draining`: no new work and its jobs finish. */
  hold?: 'cordon' | 'drain';
}

/**
 * Maps Slurm's node state (lower-case, as the agent's driver names it) and reason: idle, mixed,
 * allocated and completing are ready; draining is ready but draining, drained is ready but
 * cordoned; down, not responding, fail, future and unknown are down. The reason always names
 * Slurm's state and carries Slurm's reason when it gave one.
 */
export function mapSlurmState(slurmState: string, slurmReason: string | null): MappedSlurmState {
  const why = slurmReason ? `: ${slurmReason}` : '';
  switch (slurmState) {
    case 'idle':
    case 'mixed':
    case 'allocated':
    case 'completing':
      return { state: 'ready', reason: `Slurm: ${slurmState}` };
    case 'draining':
      return { state: 'ready', reason: `Slurm: draining${why}`, hold: 'drain' };
    case 'drained':
      return { state: 'ready', reason: `Slurm: drained${why}`, hold: 'cordon' };
    case 'down':
    case 'not_responding':
    case 'not responding':
    case 'fail':
    case 'error':
      return { state: 'down', reason: `Slurm: ${slurmState}${why}` };
    default:
      return { state: 'down', reason: `Slurm: ${slurmState} (not in service)${why}` };
  }
}
