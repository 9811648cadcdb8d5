/** What a TCP stack says of a connection after the agent went silent (see tcp-evidence.ts). */
export type Transport = 'acked' | 'unacked' | 'unknown';

/** Fields every agent event carries: which node and session, when (kernel clock) and from where. */
interface Base {
  node: string;
  conn: string;
  /** Epoch ms on the kernel's clock when the kernel saw it. */
  at: number;
  remote: string;
}

/**
 * What the kernel tells the gateway plugin about agents (docs/agent-protocol.md §2), in the
 * order it happened.
 */
export type AgentEvent =
  | (Base & { type: 'connected'; name: string; agentVersion: string })
  | (Base & { type: 'message'; m: Record<string, unknown> & { k: string } })
  | (Base & {
      type: 'closed';
      code: number;
      reason: string;
      clean: boolean;
      leave: boolean;
      lastFrameAt: number;
    })
  | (Base & { type: 'silent'; ms: number; transport: Transport });
