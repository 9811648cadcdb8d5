export { createSlurmDriver, MAX_LOG_WINDOW } from './create-slurm-driver.js';
export { expandHostlist } from './expand-hostlist.js';
export {
  isTerminalState,
  JOB_STATE_TABLE,
  type JobStateMapping,
  mapJobState,
  type SlurmJobStateName,
} from './job-state-table.js';
export { mapNodeState } from './map-node-state.js';
export type {
  JobChange,
  LogChunk,
  LogStream,
  SessionState,
  SlurmDriver,
  SlurmJobSpec,
  SlurmJobStatus,
  SlurmNodeInfo,
  SlurmNodeState,
  SlurmPartitionInfo,
  SubmittedJob,
  WatchOptions,
} from './slurm-driver.js';
export type { SlurmDriverOptions, SlurmLogger } from './slurm-driver-options.js';
export { hasSlurmErrorCode, SlurmError, slurmError } from './slurm-error.js';
export type { SlurmErrorCode } from './slurm-error-codes.js';
