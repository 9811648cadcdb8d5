import { CAPABILITY_KINDS, type CapabilityDescriptor, invalidCapability } from './capability-kinds.js';

type AnyKind = { syntax: string; scope?: { field: string; parse: (s: string, whole: string) => string } };

/** Scope-less kinds by their exact manifest string; scoped kinds by prefix, longest first. */
const EXACT = new Map<string, string>();
const PREFIXES: Array<[prefix: string, kind: string]> = [];
for (const [kind, spec] of Object.entries(CAPABILITY_KINDS) as Array<[string, AnyKind]>) {
  if (spec.scope) PREFIXES.push([spec.syntax, kind]);
  else EXACT.set(spec.syntax, kind);
}
PREFIXES.sort((a, b) => b[0].length - a[0].length);

const SYNTAX = (Object.values(CAPABILITY_KINDS) as AnyKind[])
  .map((k) => (k.scope ? `${k.syntax}<${k.scope.field}>` : k.syntax))
  .join(', ');

/**
 * Parses one manifest capability string (`storage`, `events:publish:<pattern>`,
 * `net:fetch:<origin>`, … — see CAPABILITY_KINDS) into its descriptor, normalising the scope.
 * Throws OMEGA_ERR_MANIFEST_INVALID naming the string and what is wrong.
 */
export function parseCapability(s: string): CapabilityDescriptor {
  if (typeof s !== 'string' || s.length === 0) invalidCapability(String(s), 'must be a non-empty string.');
  if (s.length > 512) invalidCapability(s, 'is longer than 512 characters.');
  const exact = EXACT.get(s);
  if (exact !== undefined) return { kind: exact } as CapabilityDescriptor;
  for (const [prefix, kind] of PREFIXES) {
    if (!s.startsWith(prefix)) continue;
    const scope = (CAPABILITY_KINDS as unknown as Record<string, AnyKind>)[kind]!.scope!;
    return { kind, [scope.field]: scope.parse(s.slice(prefix.length), s) } as CapabilityDescriptor;
  }
  return invalidCapability(s, `unknown capability; use one of ${SYNTAX}.`);
}
