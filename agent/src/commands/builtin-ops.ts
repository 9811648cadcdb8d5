import type { AgentSpecs } from '../specs/agent-specs.js';
import type { OpTable } from './op-table.js';

/**
 * The ops every agent has: `ping` (→ `{ pong: true, agentTime }`) and `specs` (→ the current
 * specs, read fresh). Answers the undo of both.
 */
export function registerBuiltinOps(ops: OpTable, specs: () => Promise<AgentSpecs>): () => void {
  const undo = [
    ops.register('ping', () => ({ pong: true, agentTime: Date.now() })),
    ops.register('specs', () => specs()),
  ];
  return () => {
    for (const u of undo) u();
  };
}
