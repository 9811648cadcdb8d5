import type { NodeChange } from './contract.js';

/**
 * The topics the nodes plugin publishes (payloads: ./event-schemas.ts, docs/events.md). The
 * publishing code names them from here; this file holds no schema, so nothing of zod reaches
 * the bundle.
 */
export const NODES_TOPICS = {
  /** `nodes.node.<change>`: the node as it is now. */
  node: (change: NodeChange) => `nodes.node.${change}` as const,
  load: 'nodes.load',
  agentReport: 'nodes.agent.report',
  /** `audit.nodes.<action>`: the security plugin appends it to the audit trail. */
  audit: (action: string) => `audit.nodes.${action}` as const,
} as const;
