export type {
  AgentOutcome,
  AgentPhase,
  AgentSessionStatus,
  LogWindow,
  SessionEngine,
} from './agent-session-status.js';
export {
  createSessionExtension,
  DEFAULT_UID_RANGE,
  type SessionExtension,
  type SessionExtensionOptions,
} from './create-session-extension.js';
export { createExecBackend, execSpec, execStatus } from './exec-backend.js';
export { registerSessionOps, SESSION_OPS } from './register-session-ops.js';
export type { SessionBackend } from './session-backend.js';
export { type StartArgs, startArgsSchema } from './session-op-schemas.js';
export { startSessionReports } from './session-reports.js';
export {
  SESSION_FLAGS,
  type SessionsConfig,
  type SlurmConfig,
  sessionsConfigSchema,
  slurmConfigSchema,
} from './sessions-config.js';
export { createSlurmBackend, slurmSpec } from './slurm-backend.js';
export { SlurmJobStore } from './slurm-job-store.js';
