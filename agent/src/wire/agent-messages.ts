import type { LoadSummary } from '@omega/protocol/agent-wire';
import type { AgentSpecs } from '../specs/agent-specs.js';

/** A coded error as it travels in a `result`. */
export interface WireError {
  code: string;
  message: string;
}

/**
 * One agent → kernel frame message as the agent builds it (the kernel checks it against
 * `agentMessage` of @omega/protocol/agent-wire; here the specs are typed).
 */
export type AgentFrame =
  | { k: 'hb'; n: number; t: number; load: LoadSummary }
  | { k: 'specs'; specs: AgentSpecs }
  | { k: 'result'; id: string; ok: true; data?: unknown }
  | { k: 'result'; id: string; ok: false; error: WireError }
  | { k: 'report'; topic: string; data: unknown }
  | { k: 'leave'; reason: string };

/** A command's outcome, as sent and as kept in the journal. */
export type CommandOutcome = { ok: true; data?: unknown } | { ok: false; error: WireError };

/** A `cmd` from the kernel. */
export type CommandFrame = Extract<import('@omega/protocol/agent-wire').KernelMessage, { k: 'cmd' }>;
