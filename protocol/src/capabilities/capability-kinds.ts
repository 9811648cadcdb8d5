import { hasErrorCode, omegaError } from '../errors/index.js';
import { splitPattern, splitTopic } from '../events/validate-topic.js';
import { normalizeOrigin, parseRequestUrl } from './normalize-origin.js';
import { patternCovers, patternIntersection, patternsOverlap } from './pattern-covers.js';
import {
  CRYPTO_OPS,
  type CryptoOp,
  isCryptoOp,
  isQualifiedServiceName,
  isSystemArea,
  SYSTEM_AREAS,
  type SystemArea,
} from './scope-values.js';

/*
 * Every kind of capability a plugin can be granted, as data (after Deno's
 * PermissionDescriptor): how the manifest writes it, how its one scope is read, normalised,
 * compared and intersected. The descriptor type, parsing, formatting and coverage are all
 * derived from this table, so a new kind is one entry here — and a scoped kind without a
 * comparison does not compile (no kind ever falls back to "same kind covers").
 */

/** Services only the kernel may call (a plugin declares them to answer the kernel's questions). */
export const RESERVED_SERVICES = ['auth-provider', 'agent-gateway'] as const;

const show = (s: string): string => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** Throws the manifest error for capability string `whole`. */
export function invalidCapability(whole: string, why: string): never {
  throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `Capability ${show(whole)}: ${why}`, { capability: whole });
}

/** How one scope value is read and compared. `*` handling is the comparison's own business. */
interface ScopeSpec<V extends string, F extends string = string> {
  /** The descriptor field holding the scope, e.g. `topic`. */
  readonly field: F;
  /** Reads and normalises the scope text of a manifest string (throws via {@link invalidCapability}). */
  readonly parse: (scope: string, whole: string) => V;
  /**
   * Normalises the scope a host call asks for (plugin data: throws OMEGA_ERR_VALIDATION on
   * anything else). Default: `parse`. Publishing asks for one concrete topic, a fetch for the
   * origin of a URL.
   */
  readonly request?: (value: string) => V;
  /** True when a grant of scope `granted` allows a request for `requested`. */
  readonly covers: (granted: V, requested: V) => boolean;
  /** True when some request is allowed by both (a deny overlapping a request refuses it). */
  readonly overlaps: (a: V, b: V) => boolean;
  /** The scope allowing exactly what both allow, or null. */
  readonly intersect: (a: V, b: V) => V | null;
}

/** One capability kind: its manifest syntax, a line for the reference, and its scope (if any). */
interface KindSpec<V extends string = string, F extends string = string> {
  /** The manifest string (scope-less kinds) or the prefix before the scope, e.g. `events:publish:`. */
  readonly syntax: string;
  /** What it allows, for the plugin guide. */
  readonly summary: string;
  readonly scope?: ScopeSpec<V, F>;
}

const exact = (syntax: string, summary: string): KindSpec<never> => ({ syntax, summary });
const scoped = <V extends string, F extends string>(
  syntax: string,
  summary: string,
  scope: ScopeSpec<V, F>,
): KindSpec<V, F> & { scope: ScopeSpec<V, F> } => ({
  syntax,
  summary,
  scope,
});

/** `*` covers every value; otherwise equal values. */
const equalOrAny = <const F extends string, V extends string>(
  field: F,
  parse: (scope: string, whole: string) => V,
): ScopeSpec<V, F> => ({
  field,
  parse,
  covers: (g, r) => g === '*' || g === r,
  overlaps: (a, b) => a === '*' || b === '*' || a === b,
  intersect: (a, b) => (a === '*' ? b : b === '*' || a === b ? a : null),
});

/** Equal values only (no wildcard). */
const equalOnly = <const F extends string, V extends string>(
  field: F,
  parse: (scope: string, whole: string) => V,
): ScopeSpec<V, F> => ({
  field,
  parse,
  covers: (g, r) => g === r,
  overlaps: (a, b) => a === b,
  intersect: (a, b) => (a === b ? a : null),
});

const topicPattern: ScopeSpec<string, 'topic'> = {
  field: 'topic',
  parse: (scope, whole) => {
    try {
      splitPattern(scope);
    } catch (err) {
      invalidCapability(whole, hasErrorCode(err) ? err.message : 'invalid topic pattern.');
    }
    return scope;
  },
  covers: patternCovers,
  overlaps: patternsOverlap,
  intersect: patternIntersection,
};

/** The table: capability kind → how it is written and compared. */
export const CAPABILITY_KINDS = {
  storage: exact('storage', "the plugin's own storage namespace (records and ephemeral stores)"),
  'events.publish': scoped('events:publish:', 'publish events on topics matching the pattern', {
    ...topicPattern,
    // A publish names one concrete topic (no wildcards).
    request: (topic) => {
      splitTopic(topic);
      return topic;
    },
  }),
  'events.subscribe': scoped('events:subscribe:', 'receive events on topics matching the pattern', {
    ...topicPattern,
    request: (pattern) => {
      splitPattern(pattern);
      return pattern;
    },
  }),
  'http.routes': exact('http:routes', 'mount the HTTP routes the manifest declares'),
  'system.read': scoped(
    'system:read:',
    'read host metrics of one area (`*`: all)',
    equalOrAny('area', (scope, whole): SystemArea | '*' => {
      if (scope === '*' || isSystemArea(scope)) return scope;
      return invalidCapability(
        whole,
        `unknown system area ${show(scope)}; use * or one of ${SYSTEM_AREAS.join(', ')}.`,
      );
    }),
  ),
  'net.fetch': scoped('net:fetch:', 'outbound HTTP to one origin (`*`: the origins the operator grants)', {
    ...equalOrAny('origin', (scope, whole): string => {
      // `*` in a manifest: "the origins the operator grants" (declared ∩ granted narrows it).
      if (scope === '*') return '*';
      try {
        return normalizeOrigin(scope);
      } catch (err) {
        return invalidCapability(whole, hasErrorCode(err) ? err.message : 'invalid origin.');
      }
    }),
    // A fetch asks for the origin of the URL it fetches (user info refused).
    request: (url) => parseRequestUrl(url).origin,
  }),
  crypto: scoped(
    'crypto:',
    'one crypto operation (never key material)',
    equalOnly(
      'op',
      (scope, whole): CryptoOp =>
        isCryptoOp(scope)
          ? scope
          : invalidCapability(
              whole,
              `unknown crypto operation ${show(scope)}; use ${CRYPTO_OPS.join(', ')}.`,
            ),
    ),
  ),
  'services.call': scoped(
    'services:call:',
    "call another plugin's declared service",
    equalOnly('service', (scope, whole): string => {
      // These services answer the kernel only (kernel/auth/plugin-auth-provider.ts, kernel/agents).
      for (const reserved of RESERVED_SERVICES)
        if (scope.endsWith(`.${reserved}`))
          invalidCapability(whole, `the ${reserved} service is reserved for the kernel.`);
      if (isQualifiedServiceName(scope)) return scope;
      return invalidCapability(
        whole,
        'the service must be <plugin>.<service>, e.g. services:call:nodes.capacity.',
      );
    }),
  ),
  timers: exact('timers', 'kernel-owned timers delivered as calls into the plugin'),
  log: exact('log', 'write to the kernel log (tagged, rate-limited)'),
  'auth.provider': exact('auth:provider', "answer the kernel's authentication questions (one plugin)"),
  'agents.gateway': exact(
    'agents:gateway',
    'speak for node agents: decide joins and identities, receive their messages, send them commands (one plugin)',
  ),
} as const;

type Kinds = typeof CAPABILITY_KINDS;

/** The kinds of capability, e.g. `events.publish`. */
export type CapabilityKind = keyof Kinds;

/** The scope value type of kind `K` (never for scope-less kinds). */
type ScopeOf<K extends CapabilityKind> = Kinds[K] extends { scope: ScopeSpec<infer V, string> } ? V : never;
type FieldOf<K extends CapabilityKind> = Kinds[K] extends { scope: ScopeSpec<infer _V, infer F> } ? F : never;

/**
 * One capability as a small tagged union with one scope field each, e.g.
 * `{ kind: 'events.publish', topic: 'nodes.*' }`, derived from {@link CAPABILITY_KINDS}.
 */
export type CapabilityDescriptor = {
  [K in CapabilityKind]: [ScopeOf<K>] extends [never]
    ? { kind: K }
    : { kind: K } & Record<FieldOf<K>, ScopeOf<K>>;
}[CapabilityKind];

/** The spec of a kind as plain data (the table is keyed by a closed set; unknown kinds have none). */
export function capabilityKind(kind: string): KindSpec | undefined {
  return Object.hasOwn(CAPABILITY_KINDS, kind)
    ? (CAPABILITY_KINDS as unknown as Record<string, KindSpec>)[kind]
    : undefined;
}
