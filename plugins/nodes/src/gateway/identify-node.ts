import { keyFingerprint } from '../crypto/key-fingerprint.js';
import type { NodesRuntime } from '../runtime.js';
import type { GatewayAnswer, IdentifyArgs, Refusal } from './gateway-types.js';

function refuse(rt: NodesRuntime, a: IdentifyArgs, r: Refusal, fingerprint?: string): GatewayAnswer {
  rt.events.audit({
    actor: `agent ${String(a.name ?? a.node).slice(0, 64)}`,
    action: 'identify',
    outcome: 'denied',
    target: String(a.node).slice(0, 128),
    ...(a.remote ? { source: a.remote } : {}),
    details: { code: r.code, reason: r.message, ...(fingerprint ? { fingerprint } : {}) },
  });
  return { refused: r };
}

/**
 * `identify` (a resume): the node must exist, not be removed, and `publicKey` must be its
 * identity key (the kernel checked the agent holds it). The registry's name is the node's
 * name; the agent's claim is ignored. Refusals are audited; a resume itself changes nothing
 * until the session's `connected` event.
 */
export function identifyNode(rt: NodesRuntime, a: IdentifyArgs): GatewayAnswer {
  const fp = keyFingerprint(a.publicKey);
  const e = rt.registry.get(a.node);
  if (!e) {
    const tomb = rt.registry.removed({ id: a.node, ...(fp ? { fingerprint: fp } : {}) });
    if (tomb)
      return refuse(
        rt,
        a,
        {
          code: 'NODES_ERR_NODE_REMOVED',
          message: `Node ${tomb.id} (${tomb.name}) was removed at ${tomb.removedAt} by ${tomb.removedBy}: delete the agent's identity and join with a new token.`,
        },
        fp,
      );
    return refuse(
      rt,
      a,
      { code: 'NODES_ERR_UNKNOWN_NODE', message: `This kernel has no node ${a.node}; join with a token.` },
      fp,
    );
  }
  if (a.publicKey !== e.record.publicKey)
    return refuse(
      rt,
      a,
      {
        code: 'NODES_ERR_KEY_MISMATCH',
        message: `The key presented is not node ${e.record.id}'s identity key.`,
      },
      fp,
    );
  if (a.agentVersion && a.agentVersion !== e.record.agentVersion) {
    e.record.agentVersion = a.agentVersion;
    rt.registry.save(e).catch(() => {});
  }
  return { node: { id: e.record.id, name: e.record.name } };
}
