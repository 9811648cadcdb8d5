import { constants } from 'node:os';
import { type ExecError, execError } from '../errors/index.js';
import { errnoName } from './exit-record.js';

/** The supervisor's setup stages, numbered as in omega-shim.c's `enum stage`. */
export const SHIM_STAGES = [
  'cgroup',
  'setsid',
  'stdio',
  'rlimit',
  'nice',
  'affinity',
  'groups',
  'gid',
  'uid',
  'no-new-privs',
  'cwd',
  'exec',
  'supervisor',
] as const;

/** A stage name. */
export type ShimStage = (typeof SHIM_STAGES)[number];

export const stageName = (n: number): ShimStage | `stage ${number}` => SHIM_STAGES[n - 1] ?? `stage ${n}`;

/** Turns a failed start (stage + errno) into the coded error the caller gets. */
export function startFailure(id: string, stage: number, errno: number): ExecError {
  const name = stageName(stage);
  const err = errnoName(errno);
  const extras = { sessionId: id, stage: name, errno: err };
  if (errno === constants.errno.E2BIG) {
    return execError(
      'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
      `Session ${id}: the kernel refused the argument list (E2BIG).`,
      {
        ...extras,
        source: 'kernel',
      },
    );
  }
  if (name === 'cgroup')
    return execError('OMEGA_ERR_EXEC_CGROUP', `Session ${id}: joining its cgroup failed (${err}).`, extras);
  if (name === 'supervisor')
    return execError('OMEGA_ERR_EXEC_SUPERVISOR', `Session ${id}: the supervisor failed (${err}).`, extras);
  return execError('OMEGA_ERR_EXEC_START_FAILED', `Session ${id}: ${name} failed with ${err}.`, extras);
}
