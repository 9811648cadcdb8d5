import { expandHostlist } from './expand-hostlist.js';
import { expandOutputPattern } from './expand-output-pattern.js';
import { isTerminalState, mapJobState } from './job-state-table.js';
import { parseWaitStatus } from './parse-wait-status.js';
import { epochToIso, readNumber, readString, type SlurmRecord } from './record-fields.js';
import type { SlurmJobStatus } from './slurm-driver.js';
import { slurmError } from './slurm-error.js';

/** A parsed job and the numeric uid that owns it (used to check its output files' owner). */
export interface ParsedJob {
  status: SlurmJobStatus;
  userId: number | null;
}

/**
 * Reads one job of Slurm's v0.0.38 schema (slurmrestd `GET /job/{id}`, and `squeue --json`,
 * which share it) into Omega's status. An unknown state is OMEGA_ERR_SLURM_PROTOCOL.
 */
export function parseJobRecord(rec: SlurmRecord): ParsedJob {
  const id = readNumber(rec, 'job_id');
  if (id === null) throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', 'Slurm sent a job without job_id.');
  const jobId = String(id);
  const slurmState = readString(rec, 'job_state');
  const state = mapJobState(slurmState);
  if (state === undefined) {
    throw slurmError(
      'OMEGA_ERR_SLURM_PROTOCOL',
      `Slurm reported job ${jobId} in unknown state "${slurmState}".`,
      {
        jobId,
        slurmState,
      },
    );
  }
  const rawReason = readString(rec, 'state_reason');
  const { exitCode, signal } =
    state === 'pending' || state === 'running' || state === 'paused'
      ? { exitCode: null, signal: null }
      : parseWaitStatus(readNumber(rec, 'exit_code'));
  const user = readString(rec, 'user_name');
  const name = readString(rec, 'name');
  const cwd = readString(rec, 'current_working_directory');
  const nodeList = readString(rec, 'nodes');
  const ctx = { jobId, user, name, cwd, batchHost: readString(rec, 'batch_host') };
  const stdoutPattern = readString(rec, 'standard_output') || 'slurm-%j.out';
  const stderrPattern = readString(rec, 'standard_error') || stdoutPattern;
  const started = state !== 'pending';
  return {
    userId: readNumber(rec, 'user_id'),
    status: {
      jobId,
      name,
      user,
      partition: readString(rec, 'partition'),
      state,
      slurmState,
      reason: rawReason === '' || rawReason === 'None' ? null : rawReason,
      exitCode,
      signal,
      nodes: nodeList === '' || nodeList === '(null)' ? [] : expandHostlist(nodeList),
      submitTime: epochToIso(readNumber(rec, 'submit_time')),
      startTime: started ? epochToIso(readNumber(rec, 'start_time')) : null,
      endTime: isTerminalState(state) ? epochToIso(readNumber(rec, 'end_time')) : null,
      stdoutPath: expandOutputPattern(stdoutPattern, ctx),
      stderrPath: expandOutputPattern(stderrPattern, ctx),
    },
  };
}
