import { isoTime } from '@omega/sdk';
import { toBase64url } from '../crypto/base64url.js';
import { sha256 } from '../crypto/sha256.js';
import { printableData } from '../liveness/reasons.js';
import { capacityFromSpecs } from '../registry/capacity-from-specs.js';
import type { NodeEntry, NodeRecord } from '../registry/node-record.js';
import { SPECS_STORE } from '../registry/node-registry.js';
import type { NodesRuntime } from '../runtime.js';

/** Largest specs document kept, bytes of JSON (the agent's claim: bounded). */
export const MAX_SPECS_BYTES = 256 * 1024;

/** base64url SHA-256 of a text, each UTF-16 code unit as two bytes (a change detector, not a wire format). */
function digestOf(json: string): string {
  const bytes = new Uint8Array(json.length * 2);
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    bytes[i * 2] = c >> 8;
    bytes[i * 2 + 1] = c & 0xff;
  }
  return toBase64url(sha256(bytes));
}

/**
 * Applies specs to a record in memory when they changed: digest, capacity, cgroup enforcement
 * report. Answers the specs document to store, or undefined when nothing changed (or the specs
 * are oversized: logged, the old ones kept).
 */
export function applySpecs(
  rt: NodesRuntime,
  r: NodeRecord,
  claimed: Record<string, unknown>,
): { specs: Record<string, unknown>; at: string } | undefined {
  const json = JSON.stringify(claimed);
  if (json.length > MAX_SPECS_BYTES) {
    rt.ctx.log
      .warn('nodes: specs too large; kept the previous ones', { node: r.id, bytes: json.length })
      .catch(() => {});
    return undefined;
  }
  // 'p1:': specs stored before they were made printable differ from any digest taken now, so an
  // agent re-sending the same specs has them cleaned (review).
  const digest = digestOf(`p1:${json}`);
  if (digest === r.specsDigest) return undefined;
  // What the agent claims, kept and shown without control characters (host names, models, cgroup notes).
  const specs = printableData(claimed) as Record<string, unknown>;
  r.specsDigest = digest;
  r.capacity = capacityFromSpecs(specs);
  const cgroup = specs.cgroup ?? specs.enforcement;
  if (cgroup !== null && typeof cgroup === 'object' && !Array.isArray(cgroup))
    r.cgroup = cgroup as Record<string, unknown>;
  return { specs, at: isoTime(Date.now()) };
}

/**
 * Writes a node's specs document (ephemeral store `specs`). A full store (the kernel bounds a
 * plugin's ephemeral stores) is logged: the capacity derived into the record is kept anyway.
 */
export function writeSpecs(
  rt: NodesRuntime,
  id: string,
  doc: { specs: Record<string, unknown>; at: string },
): Promise<void> {
  return rt.ctx.ephemeral.set(SPECS_STORE, id, doc).then(
    () => {},
    (err: unknown) => {
      rt.ctx.log
        .warn('nodes: keeping specs failed; capacity kept', {
          node: id,
          code: (err as { code?: string })?.code ?? 'unknown',
        })
        .catch(() => {});
    },
  );
}

/**
 * Stores a node's specs when they changed, with the record they change, in one turn (one
 * group commit). Resolves true when anything changed.
 */
export async function storeSpecs(
  rt: NodesRuntime,
  e: NodeEntry,
  specs: Record<string, unknown>,
): Promise<boolean> {
  const doc = applySpecs(rt, e.record, specs);
  if (!doc) return false;
  await Promise.all([writeSpecs(rt, e.record.id, doc), rt.registry.save(e)]);
  return true;
}
