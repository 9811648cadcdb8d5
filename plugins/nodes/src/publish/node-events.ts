import type { NodeChange, NodeEvent, NodesAuditEvent } from '../contract.js';
import { NODES_TOPICS } from '../event-topics.js';
import type { NodeRecord } from '../registry/node-record.js';
import type { PacedPublisher } from './paced-publisher.js';

/** Longest text field of an audit entry. */
const MAX_TEXT = 512;
const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

/**
 * The plugin's events about nodes: `nodes.node.<change>` (other plugins follow the registry)
 * and `audit.nodes.<action>` (the security plugin records them in the audit trail).
 */
export class NodeEvents {
  constructor(readonly out: PacedPublisher) {}

  /** `nodes.node.<change>` for `node` as it is now (`previous`: the state before, on state changes). */
  change(
    change: NodeChange,
    node: NodeRecord,
    previous?: NodeRecord['state'],
    extra?: Pick<NodeEvent, 'hold' | 'labels'>,
  ): void {
    const data: NodeEvent = {
      id: node.id,
      name: node.name,
      state: node.state,
      reason: node.reason,
      since: node.since,
      ...(previous !== undefined ? { previous } : {}),
      ...extra,
    };
    this.out.publish(NODES_TOPICS.node(change), data);
  }

  /** `audit.nodes.<action>`: who did what to which target, and how it ended. */
  audit(entry: NodesAuditEvent): void {
    this.out.publish(NODES_TOPICS.audit(entry.action), {
      ...entry,
      actor: clip(entry.actor),
      target: clip(entry.target),
      ...(entry.source !== undefined ? { source: clip(entry.source) } : {}),
    });
  }
}
