import { type CapabilityDescriptor, capabilityKind, hasErrorCode } from '@omega/protocol';
import { omegaError } from '../errors/index.js';

/** A request normalised for the gate. */
export interface NormalizedRequest {
  descriptor: CapabilityDescriptor;
}

const bad = (what: string, value: unknown, why?: string): never => {
  throw omegaError(
    'OMEGA_ERR_VALIDATION',
    `Invalid ${what} ${JSON.stringify(value)?.slice(0, 100)}${why ? `: ${why}` : '.'}`,
    { [what]: value },
  );
};

/**
 * Normalises what a host call asks for, before any decision, by the kind's own rule in the
 * protocol's CAPABILITY_KINDS (publish: one concrete topic; subscribe: a valid pattern; fetch:
 * the canonical origin of the URL, user info refused; other scopes: known values). Descriptors
 * come from plugin data, so nothing about their shape is trusted; an unknown kind is refused.
 * Throws OMEGA_ERR_VALIDATION (or the scope's own coded error) when invalid.
 */
export function normalizeRequest(requested: unknown): NormalizedRequest {
  if (typeof requested !== 'object' || requested === null) return bad('capability', requested);
  const r = requested as Record<string, unknown>;
  const kind = typeof r.kind === 'string' ? r.kind : bad('kind', r.kind);
  const spec = capabilityKind(kind) ?? bad('kind', kind);
  if (!spec.scope) return { descriptor: { kind } as CapabilityDescriptor };
  const { field, parse, request } = spec.scope;
  const raw = r[field];
  if (typeof raw !== 'string') return bad(field, raw);
  let value: string;
  try {
    value = request ? request(raw) : parse(raw, raw);
  } catch (err) {
    if (hasErrorCode(err, 'OMEGA_ERR_MANIFEST_INVALID')) return bad(field, raw, err.message);
    throw err;
  }
  return { descriptor: { kind, [field]: value } as CapabilityDescriptor };
}
