import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '../proc/proc-stat.js';
import { EXIT_FILE } from '../supervisor/exit-record.js';
import type { SessionRuntime } from './session-runtime.js';

/** Whether exit.json was written (the session is over once it is). */
export const exitRecorded = (rt: SessionRuntime): Promise<boolean> =>
  access(join(rt.dir, EXIT_FILE)).then(
    () => true,
    () => false,
  );

/** Whether whoever records the session's exit still runs: its supervisor, or without one its main process. */
export async function supervisorAlive(rt: SessionRuntime): Promise<boolean> {
  const r = rt.record;
  if (r.supervisor === 'helper') {
    return r.status.supervisorPid !== null && isAlive(r.status.supervisorPid, r.supervisorStartTicks ?? -1);
  }
  return r.status.pid !== null && isAlive(r.status.pid, r.mainStartTicks ?? -1);
}
