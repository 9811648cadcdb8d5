import { isTerminalState } from './job-state-table.js';
import type { ParsedJob } from './parse-job-record.js';
import type { SlurmJobStatus } from './slurm-driver.js';

/** What the driver last saw of a job it submitted or looked at. */
interface Remembered {
  last: ParsedJob | null;
}

/**
 * The driver's short memory of jobs, so that a job Slurm forgets (purged after MinJobAge,
 * or lost with slurmctld's state) still answers: with its final state when the driver saw
 * one, as `lost` when it last saw the job alive. Bounded: the oldest entries go first.
 */
export class JobMemory {
  readonly #entries = new Map<string, Remembered>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** A job this driver submitted and has not seen yet. */
  submitted(jobId: string): void {
    this.#set(jobId, { last: null });
  }

  /** The latest look at a job. */
  saw(job: ParsedJob): void {
    this.#set(job.status.jobId, { last: job });
  }

  /** What to answer for a job Slurm no longer knows; undefined when the driver never knew it either. */
  forgotten(jobId: string, user: string): ParsedJob | undefined {
    const entry = this.#entries.get(jobId);
    if (!entry) return undefined;
    if (entry.last && isTerminalState(entry.last.status.state)) return entry.last;
    const lost = {
      status: vanishedStatus(jobId, user, entry.last?.status ?? null),
      userId: entry.last?.userId ?? null,
    };
    this.#set(jobId, { last: lost });
    return lost;
  }

  #set(jobId: string, value: Remembered) {
    this.#entries.delete(jobId);
    this.#entries.set(jobId, value);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

/** The `lost` status of a job that left Slurm without a final state. */
export function vanishedStatus(jobId: string, user: string, last: SlurmJobStatus | null): SlurmJobStatus {
  return {
    jobId,
    name: last?.name ?? '',
    user: last?.user ?? user,
    partition: last?.partition ?? '',
    state: 'lost',
    slurmState: last?.slurmState ?? 'UNKNOWN',
    reason: 'Slurm no longer knows this job',
    exitCode: null,
    signal: null,
    nodes: last?.nodes ?? [],
    submitTime: last?.submitTime ?? null,
    startTime: last?.startTime ?? null,
    endTime: null,
    stdoutPath: last?.stdoutPath ?? null,
    stderrPath: last?.stderrPath ?? null,
  };
}
