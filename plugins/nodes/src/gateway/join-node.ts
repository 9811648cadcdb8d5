import { isCodedError, isoTime } from '@omega/sdk';
import { keyFingerprint } from '../crypto/key-fingerprint.js';
import { REASONS } from '../liveness/reasons.js';
import { capacityFromSpecs } from '../registry/capacity-from-specs.js';
import type { NodeEntry, NodeRecord } from '../registry/node-record.js';
import { type NodesRuntime, STORAGE_WAIT_MS } from '../runtime.js';
import type { GatewayAnswer, JoinArgs, Refusal } from './gateway-types.js';
import { isNodeName, isReservedNodeName } from './node-name.js';
import { applySpecs, writeSpecs } from './store-specs.js';

/** Refuses a join: audited (never with the token's secret), answered to the kernel. */
function refuse(
  rt: NodesRuntime,
  a: JoinArgs,
  r: Refusal,
  tokenId?: string,
  fingerprint?: string,
): GatewayAnswer {
  rt.events.audit({
    actor: `agent ${String(a.name).slice(0, 64)}`,
    action: 'join',
    outcome: 'denied',
    target: tokenId ? `token ${tokenId}` : 'unknown token',
    ...(a.remote ? { source: a.remote } : {}),
    details: { code: r.code, reason: r.message, ...(fingerprint ? { fingerprint } : {}) },
  });
  return { refused: r };
}

/**
 * `join` (docs/agent-protocol.md §2): the kernel checked the agent's proof of possession of
 * `publicKey`; this decides whether the token admits it. A known key is the same node (its
 * rejoin with the same token costs no use); a removed key is refused for good; a name another
 * key holds is refused. Every outcome is audited.
 */
export async function joinNode(rt: NodesRuntime, a: JoinArgs): Promise<GatewayAnswer> {
  const now = Date.now();
  const fp = keyFingerprint(a.publicKey);
  if (!fp)
    return refuse(rt, a, {
      code: 'OMEGA_ERR_VALIDATION',
      message: 'publicKey is not a raw Ed25519 key (base64url, 43 characters).',
    });
  const existing = rt.registry.byPublicKey(a.publicKey);
  const redeemed = rt.tokens.redeem(a.token, now, fp, existing?.record.id);
  if ('refused' in redeemed) return refuse(rt, a, redeemed.refused, redeemed.refused.tokenId, fp);
  const token = redeemed.record;
  const giveBack = () => {
    if (redeemed.consumed) rt.tokens.release(token);
  };
  const tomb = rt.registry.removed({ fingerprint: fp });
  if (tomb) {
    giveBack();
    return refuse(
      rt,
      a,
      {
        code: 'NODES_ERR_NODE_REMOVED',
        message: `This key was node ${tomb.id} (${tomb.name}), removed at ${tomb.removedAt}: delete the agent's identity and join with a new token.`,
      },
      token.id,
      fp,
    );
  }
  if (!isNodeName(a.name)) {
    giveBack();
    return refuse(
      rt,
      a,
      {
        code: 'OMEGA_ERR_VALIDATION',
        message: 'name must be 1–63 of letters, digits, . _ - (starting with a letter or digit).',
      },
      token.id,
      fp,
    );
  }
  // A known key renamed on a rejoin is judged too (found by review); a node already so named keeps it.
  if (isReservedNodeName(a.name) && existing?.record.name !== a.name) {
    giveBack();
    return refuse(
      rt,
      a,
      {
        code: 'OMEGA_ERR_VALIDATION',
        message: `name "${a.name}" is reserved (it is a path of /api/v1/nodes/): start the agent with another --name.`,
      },
      token.id,
      fp,
    );
  }
  const owner = rt.registry.nameOwner(a.name);
  if (owner !== undefined && owner !== existing?.record.id) {
    giveBack();
    return refuse(
      rt,
      a,
      {
        code: 'NODES_ERR_NAME_TAKEN',
        message: `Node name "${a.name}" belongs to node ${owner} (another key): start the agent with another --name, or remove ${owner} first.`,
      },
      token.id,
      fp,
    );
  }
  if (!rt.joining.claim(fp, a.name)) {
    giveBack();
    return refuse(
      rt,
      a,
      {
        code: 'OMEGA_ERR_CONFLICT',
        message: 'Another join for this key or name is in progress; retry.',
        retryAfterSec: 1,
      },
      token.id,
      fp,
    );
  }
  try {
    // Everything a join writes goes out in one turn: the kernel commits it together.
    let entry: NodeEntry;
    if (existing) {
      entry = existing;
      if (existing.record.name !== a.name) rt.registry.rename(existing, a.name);
      if (a.agentVersion) existing.record.agentVersion = a.agentVersion;
      existing.live.at = Math.max(existing.live.at, now);
      if (a.remote) existing.live.remote = a.remote;
      const doc = applySpecs(rt, existing.record, a.specs);
      const writes: Promise<unknown>[] = [rt.tokens.commit(token, existing.record.id)];
      if (doc) writes.push(writeSpecs(rt, existing.record.id, doc));
      if (existing.record.state !== 'ready')
        rt.registry.transition(
          existing,
          { to: 'ready', reason: REASONS.joined(token.id, a.remote), at: now },
          'nodes',
          a.remote,
        );
      writes.push(rt.registry.save(existing, true));
      await rt.within(Promise.all(writes), STORAGE_WAIT_MS, 'Writing the join');
    } else {
      const record = newRecord(rt, a, fp, token.id, token.labels, now);
      const doc = applySpecs(rt, record, a.specs);
      const created = rt.registry.create(record, { at: now, ...(a.remote ? { remote: a.remote } : {}) });
      entry = created.entry;
      await rt.within(
        Promise.all([
          created.saved,
          ...(doc ? [writeSpecs(rt, record.id, doc)] : []),
          rt.tokens.commit(token, record.id),
        ]),
        STORAGE_WAIT_MS,
        'Writing the join',
      );
    }
    await rt.discovery.joined(fp);
    rt.live.touch(entry.record.id);
    if (!existing) rt.events.change('joined', entry.record);
    rt.events.audit({
      actor: `agent ${entry.record.name}`,
      action: 'join',
      outcome: 'success',
      target: entry.record.id,
      ...(a.remote ? { source: a.remote } : {}),
      details: { token: token.id, name: entry.record.name, fingerprint: fp, rejoin: existing !== undefined },
    });
    return { node: { id: entry.record.id, name: entry.record.name } };
  } catch (err) {
    giveBack();
    if (isCodedError(err, 'OMEGA_ERR_UNAVAILABLE'))
      // Storage is slow: the agent retries (its record, if written meanwhile, is found then).
      return { refused: { code: 'OMEGA_ERR_UNAVAILABLE', message: err.message, retryAfterSec: 5 } };
    throw err;
  } finally {
    rt.joining.release(fp, a.name);
  }
}

/** A new node's record (an id no node ever had). */
function newRecord(
  rt: NodesRuntime,
  a: JoinArgs,
  fp: string,
  tokenId: string,
  labels: Record<string, string>,
  now: number,
): NodeRecord {
  // From the key's fingerprint (a removed key never comes back, so an id is never reused).
  let id = `nd-${fp.slice(0, 12)}`;
  for (let n = 13; rt.registry.get(id) || rt.registry.removed({ id }); n++) id = `nd-${fp.slice(0, n)}`;
  const at = isoTime(now);
  const reason = REASONS.joined(tokenId, a.remote);
  return {
    id,
    name: a.name,
    publicKey: a.publicKey,
    fingerprint: fp,
    labels: { ...labels },
    specVersion: 1,
    state: 'ready',
    reason,
    since: at,
    history: [{ n: 1, state: 'ready', reason, by: 'nodes', at }],
    ...(a.agentVersion ? { agentVersion: a.agentVersion } : {}),
    token: tokenId,
    capacity: capacityFromSpecs(a.specs),
    joinedAt: at,
    updatedAt: at,
  };
}
