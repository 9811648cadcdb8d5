import { toBase64url } from '../crypto/base64url.js';
import { sha256 } from '../crypto/sha256.js';
import { capacityFromSpecs } from '../registry/capacity-from-specs.js';
import type { NodeEntry } from '../registry/node-record.js';
import { COLLECTIONS } from '../registry/node-registry.js';
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
 * Stores a node's specs when they changed (collection `specs`), with its capacity and cgroup
 * report derived into the record. Oversized specs are refused (logged), the old ones kept.
 * Resolves true when anything changed.
 */
export async function storeSpecs(
  rt: NodesRuntime,
  e: NodeEntry,
  specs: Record<string, unknown>,
): Promise<boolean> {
  const json = JSON.stringify(specs);
  if (json.length > MAX_SPECS_BYTES) {
    rt.ctx.log
      .warn('nodes: specs too large; kept the previous ones', { node: e.record.id, bytes: json.length })
      .catch(() => {});
    return false;
  }
  const digest = digestOf(json);
  if (digest === e.record.specsDigest) return false;
  await rt.ctx.storage.set(COLLECTIONS.specs, e.record.id, { specs, at: new Date().toISOString() });
  e.record.specsDigest = digest;
  e.record.capacity = capacityFromSpecs(specs);
  const cgroup = specs.cgroup;
  if (cgroup !== null && typeof cgroup === 'object' && !Array.isArray(cgroup))
    e.record.cgroup = cgroup as Record<string, unknown>;
  await rt.registry.save(e);
  return true;
}
