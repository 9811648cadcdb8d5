import type { SlurmNodeState } from './slurm-driver.js';

/**
 * Omega's node state from Slurm's base state (lower-case, e.g. `mixed`) and its flags
 * (`DRAIN`, `FAIL`, `COMPLETING`, `NOT_RESPONDING`, …): DRAIN or FAIL on a node with work is
 * `draining`, on an idle one `drained`; down wins over both; an idle node finishing a job's
 * epilog is `completing`. Other flags leave the base state (they are listed in `flags`).
 */
export function mapNodeState(base: string, flags: readonly string[]): SlurmNodeState {
  const b = base.toLowerCase();
  const has = (f: string) => flags.includes(f);
  if (b === 'down' || b === 'error') return 'down';
  if (has('DRAIN') || has('FAIL'))
    return b === 'allocated' || b === 'mixed' || has('COMPLETING') ? 'draining' : 'drained';
  if (b === 'idle') return has('COMPLETING') ? 'completing' : 'idle';
  if (b === 'mixed' || b === 'allocated' || b === 'future') return b;
  return 'unknown';
}
