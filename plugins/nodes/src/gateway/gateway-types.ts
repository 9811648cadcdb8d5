/** A coded refusal the kernel passes on to the agent (`refused` frame, close 4403 or 4429). */
export interface Refusal {
  code: string;
  message: string;
  retryAfterSec?: number;
}

/** What `join` and `identify` answer. */
export type GatewayAnswer = { node: { id: string; name: string } } | { refused: Refusal };

/** `join` arguments, as the kernel sends them (docs/agent-protocol.md §2). */
export interface JoinArgs {
  token: string;
  name: string;
  publicKey: string;
  specs: Record<string, unknown>;
  agentVersion?: string;
  remote?: string;
}

/** `identify` arguments. */
export interface IdentifyArgs {
  node: string;
  publicKey: string;
  name?: string;
  agentVersion?: string;
  remote?: string;
}
