/*
 * @omega/agent: the Omega node agent — a thin Node process on every machine of a cluster that
 * joins the kernel, heartbeats with its load, reports its specs and runs commands (docs/agent.md,
 * the wire in docs/agent-protocol.md). Never imports kernel/, sdk/ or plugins/.
 */
export {
  type Agent,
  type AgentOptions,
  type AgentPhase,
  createAgent,
  MAX_REPORT_BYTES,
} from './agent/create-agent.js';
export { AGENT_OPTIONS, type AgentOption, agentHelp } from './cli/agent-options.js';
export { type AgentCliIo, LIFELINE_ENV, runAgentCli } from './cli/run-agent-cli.js';
export { registerBuiltinOps } from './commands/builtin-ops.js';
export {
  type CommandDispatcher,
  type CommandDispatcherOptions,
  createCommandDispatcher,
} from './commands/command-dispatcher.js';
export {
  type CommandJournal,
  INTERRUPTED,
  JOURNAL_LIMITS,
  type JournalEntry,
  type JournalLimits,
  openCommandJournal,
} from './commands/command-journal.js';
export { createOpTable, type OpContext, type OpHandler, type OpTable } from './commands/op-table.js';
export { type AgentConfig, type AgentConfigInput, agentConfigSchema } from './config/agent-config-schema.js';
export { canonicalCertSha256, certSha256OfToken } from './config/cert-sha256.js';
export {
  AGENT_ENV,
  type AgentConfigSources,
  type AgentFlags,
  defaultAgentDataDir,
  loadAgentConfig,
} from './config/load-agent-config.js';
export { type Backoff, createBackoff, jittered, retryAfterWait } from './connection/backoff.js';
export { AGENT_CONNECT_PATH, connectUrl } from './connection/connect-url.js';
export {
  type AgentSession,
  type HelloParams,
  isTransientRefusal,
  type OpenSessionOptions,
  openSession,
  type SessionEnd,
} from './connection/open-session.js';
export { certificateSha256, connectPinnedTls } from './connection/pinned-tls-socket.js';
export { AGENT_SERVICE_TYPE, type AgentTxt } from './discovery/advertise-agent.js';
export { type Invitation, invitationSchema } from './discovery/invitation.js';
export * from './errors/index.js';
export { createLoadSampler, type LoadSampler, type LoadSummary } from './heartbeat/load-summary.js';
export { type AgentIdentity, generateIdentity, loadOrCreateIdentity } from './identity/agent-identity.js';
export { type AgentState, readAgentState } from './identity/agent-state.js';
export { keyFingerprint } from './identity/key-fingerprint.js';
export { createAgentLogger } from './log/create-agent-logger.js';
export type * from './specs/agent-specs.js';
export { readSpecs } from './specs/read-specs.js';
export { AGENT_VERSION } from './version.js';
export type { AgentFrame, CommandFrame, CommandOutcome, WireError } from './wire/agent-messages.js';
export {
  createFrameChannel,
  type FrameChannel,
  MAX_DOWN_FRAME_BYTES,
  MAX_UP_FRAME_BYTES,
} from './wire/frame-channel.js';
