import type { ParsedJob } from './parse-job-record.js';
import type { SlurmNodeInfo, SlurmPartitionInfo } from './slurm-driver.js';
import type { ValidJobSpec } from './validate-job-spec.js';

/** A validated submission: the spec, the batch script, and where its output goes. */
export interface Submission {
  spec: ValidJobSpec;
  script: string;
  /** Slurm filename patterns (`…/omega-%j.out`). */
  stdout: string;
  stderr: string;
}

/**
 * What the driver needs from one way of talking to Slurm (slurmrestd or the CLI). Failures
 * are coded `SlurmError`s; `job` answers null for a job Slurm does not know.
 */
export interface SlurmBackend {
  submit(submission: Submission): Promise<string>;
  job(jobId: string): Promise<ParsedJob | null>;
  jobs(): Promise<ParsedJob[]>;
  cancel(jobId: string): Promise<void>;
  nodes(): Promise<SlurmNodeInfo[]>;
  partitions(): Promise<SlurmPartitionInfo[]>;
}
