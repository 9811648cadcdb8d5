/**
 * The public shape of the agent's Slurm driver: what a session asks for (a job spec), what
 * it gets back (a status in Omega's vocabulary), and the node and partition views.
 */

/** Omega's session states; `docs/slurm.md` maps every Slurm job state onto one of them. */
export type SessionState =
  | 'pending'
  | 'running'
  | 'paused'
  | 'completed'
  | 'failed'
  | 'oom-killed'
  | 'timed-out'
  | 'cancelled'
  | 'lost';

/** What to run and with which resources. Exactly one of `command` and `script`. */
export interface SlurmJobSpec {
  /** Executable (absolute, or found on the job's PATH); run with `args`, no shell in between. */
  command?: string;
  args?: string[];
  /** A whole batch script starting with `#!`. Its `#SBATCH` lines are not honoured: resources come from the spec. */
  script?: string;
  /** Job environment (exact bytes, no NUL); `PATH` defaults to the system path. `SLURM_*`/`SBATCH_*` are reserved. */
  env?: Record<string, string>;
  /** Absolute working directory on the compute node; the output files go here unless the driver has a `logDir`. */
  cwd: string;
  /** CPU cores for the one task (default 1). */
  cores?: number;
  /** Memory for the job in MiB (`--mem`); Slurm's DefMemPerCPU applies when absent. */
  memoryMiB?: number;
  /** GPUs (`--gres=gpu:N`). */
  gpus?: number;
  /** Wall-clock limit in whole minutes (Slurm's granularity); the partition's default when absent. */
  timeLimitMinutes?: number;
  /** Job name shown by Slurm (default `omega`). */
  name?: string;
  /** Partition; the driver's default, else Slurm's default partition. */
  partition?: string;
}

/** The answer of `submit`. */
export interface SubmittedJob {
  jobId: string;
}

/** One job as Omega sees it. Times are ISO-8601 strings or null when Slurm has none yet. */
export interface SlurmJobStatus {
  jobId: string;
  name: string;
  user: string;
  partition: string;
  /** Omega's state. */
  state: SessionState;
  /** Slurm's own state string (e.g. `PENDING`, `OUT_OF_MEMORY`, `COMPLETING`). */
  slurmState: string;
  /** Slurm's reason (`Resources`, `Priority`, `ReqNodeNotAvail, …`, `NonZeroExitCode`), or null. */
  reason: string | null;
  /** Exit status of the batch script, when it exited. */
  exitCode: number | null;
  /** Signal that ended it, when one did. */
  signal: number | null;
  /** Nodes allocated to it (expanded from Slurm's host list). */
  nodes: string[];
  submitTime: string | null;
  startTime: string | null;
  endTime: string | null;
  /** Output files as Slurm resolved them (patterns expanded), or null when unknown. */
  stdoutPath: string | null;
  stderrPath: string | null;
}

/** Slurm node states, lower-case; `drained`/`draining` come from the DRAIN flag. */
export type SlurmNodeState =
  | 'idle'
  | 'mixed'
  | 'allocated'
  | 'drained'
  | 'draining'
  | 'down'
  | 'completing'
  | 'future'
  | 'unknown';

/** One Slurm node as the node registry shows it. */
export interface SlurmNodeInfo {
  name: string;
  state: SlurmNodeState;
  /** Slurm's state string and flags as reported (e.g. `idle` + `DRAIN`), for operators. */
  slurmState: string;
  flags: string[];
  /** Why the node is drained or down (operator's text), or null. */
  reason: string | null;
  /** Who set the reason, and when (ISO-8601). */
  reasonSetBy: string | null;
  reasonTime: string | null;
  cpus: number;
  allocatedCpus: number;
  memoryMiB: number;
  allocatedMemoryMiB: number;
  /** Generic resources as configured (e.g. `gpu:2`), and the GPU count among them. */
  gres: string;
  gpus: number;
  partitions: string[];
  address: string | null;
}

/** One partition. */
export interface SlurmPartitionInfo {
  name: string;
  /** `up`, `down`, `drain` or `inactive`. */
  state: string;
  nodes: string[];
  totalCpus: number;
  totalNodes: number;
  /** Partition MaxTime in minutes; null when unlimited. */
  maxTimeMinutes: number | null;
  isDefault: boolean;
}

/** Which output stream `logs` reads. */
export type LogStream = 'stdout' | 'stderr';

/** A window of a job's output file. */
export interface LogChunk {
  stream: LogStream;
  /** Where this chunk starts in the file. */
  offset: number;
  /** Pass this as the next `offset` to continue. */
  nextOffset: number;
  /** The file's size when it was read (0 when it does not exist yet). */
  size: number;
  /** The bytes, exactly as written. */
  data: Buffer;
  /** True when the job has ended and nothing is left to read. */
  eof: boolean;
}

/** A change seen by `watch`. */
export interface JobChange {
  jobId: string;
  status: SlurmJobStatus;
  previous: SlurmJobStatus | null;
}

/** Options of `watch`. */
export interface WatchOptions {
  /** Poll interval in milliseconds (default 2000, at least 200). */
  intervalMs?: number;
  /** Called when a poll fails; polling continues. */
  onError?: (error: Error) => void;
}

/** The driver: one Slurm cluster, one Slurm user. Every method rejects with a coded `SlurmError`. */
export interface SlurmDriver {
  readonly mode: 'rest' | 'cli';
  readonly user: string;
  submit(spec: SlurmJobSpec): Promise<SubmittedJob>;
  status(jobId: string): Promise<SlurmJobStatus>;
  /** Pause: `scontrol suspend` (the job's processes are frozen). */
  suspend(jobId: string): Promise<void>;
  /** Resume a paused job: `scontrol resume`. */
  resume(jobId: string): Promise<void>;
  /** Cancel; a no-op for a job that already ended. */
  cancel(jobId: string): Promise<void>;
  logs(jobId: string, options?: { stream?: LogStream; offset?: number; limit?: number }): Promise<LogChunk>;
  nodes(): Promise<SlurmNodeInfo[]>;
  partitions(): Promise<SlurmPartitionInfo[]>;
  /** Polls the user's jobs and reports each change of state or reason; returns its undo. */
  watch(onChange: (change: JobChange) => void, options?: WatchOptions): () => void;
}
