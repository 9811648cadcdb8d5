export type { CgroupLayout, CgroupMode, CgroupOptions } from './cgroup/cgroup-layout.js';
export { detectCgroupLayout } from './cgroup/detect-cgroup-layout.js';
export {
  type Enforcement,
  type EnforcementLevel,
  type EnforcementReport,
  FEATURES,
  type Feature,
} from './enforcement-report.js';
export {
  EXEC_ERROR_CODES,
  ExecError,
  type ExecErrorCode,
  execError,
  hasExecErrorCode,
} from './errors/index.js';
export { createExecutor, type Executor } from './executor/create-executor.js';
export type { ExecutorOptions } from './executor/executor-options.js';
export type { LogStream, SessionLogChunk } from './executor/session-logs.js';
export type { ExecLogger } from './logger.js';
export type { LogMatch, LogSearchResult } from './logs/search-log.js';
export type {
  ExecutorEvents,
  SessionExit,
  SessionOutcome,
  SessionPhase,
  SessionStateEvent,
  SessionStatus,
  SessionUsage,
  SessionUsageEvent,
  UsageCounters,
} from './session-types.js';
export {
  MAX_GRACE_MS,
  parseSessionSpec,
  type SessionSpec,
  type SessionSpecInput,
  sessionSpecSchema,
} from './spec/session-spec.js';
