import type { LoadSummary } from '../heartbeat/load-summary.js';
import type { AgentSpecs } from '../specs/agent-specs.js';

/** A coded error as it travels in a `result`. */
export interface WireError {
  code: string;
  message: string;
}

/** One agent → kernel frame message (docs/agent-protocol.md §1). */
export type AgentFrame =
  | { k: 'hb'; n: number; t: number; load: LoadSummary }
  | { k: 'specs'; specs: AgentSpecs }
  | { k: 'result'; id: string; ok: true; data?: unknown }
  | { k: 'result'; id: string; ok: false; error: WireError }
  | { k: 'report'; topic: string; data: unknown }
  | { k: 'leave'; reason: string };

/** A command's outcome, as sent and as kept in the journal. */
export type CommandOutcome = { ok: true; data?: unknown } | { ok: false; error: WireError };
