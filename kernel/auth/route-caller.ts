import type { RouteCaller } from '@omega/protocol';
import type { Principal } from './principal.js';

/** Most client addresses whose caller is kept per principal (a user rarely calls from more). */
const REMOTES_PER_PRINCIPAL = 16;
/** Most client addresses whose anonymous caller is kept (public routes: any address may call). */
const ANONYMOUS_REMOTES = 256;
/** The key of "no address" (the app not behind Node's server). */
const NO_REMOTE = '';

const NO_PERMISSIONS: readonly string[] = Object.freeze([]);

/**
 * Callers by principal object, then client address. A principal is never changed once made (a
 * role or token change makes a new one, see hasPermission), so its caller cannot change either;
 * a principal that is dropped (its token revoked or expired) takes its callers with it.
 */
const byPrincipal = new WeakMap<Principal, Map<string, RouteCaller>>();
const anonymous = new Map<string, RouteCaller>();

/** Builds a caller deep-frozen, keys in the order plugins have always received them. */
function build(principal: Principal | null, remote: string | undefined): RouteCaller {
  let caller: { -readonly [K in keyof RouteCaller]: RouteCaller[K] };
  if (principal) {
    caller = {
      kind: principal.kind,
      id: principal.id,
      permissions: Object.freeze([...principal.permissions]),
    };
    if (principal.denied?.length) caller.denied = Object.freeze([...principal.denied]);
    if (principal.name !== undefined) caller.name = principal.name;
  } else caller = { kind: 'anonymous', id: '', permissions: NO_PERMISSIONS };
  // The client's address: audit trails and rate limits need it.
  if (remote !== undefined) caller.remote = remote;
  return Object.freeze(caller);
}

/** Keeps `caller` under `key`, dropping the oldest entry when `max` are kept. */
function keep(map: Map<string, RouteCaller>, key: string, caller: RouteCaller, max: number): RouteCaller {
  if (map.size >= max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, caller);
  return caller;
}

/**
 * Who is calling a plugin route, as the plugin sees it (no credential, no socket): the
 * principal's kind, id, permissions, denials and name, or `anonymous`, plus the client's address.
 * The answer is deep-frozen and the same object for the same principal and address (bounded per
 * principal and for anonymous callers), so a request with a cached token builds nothing here and
 * the route request's encoder can reuse the caller's JSON text (see encodeRouteRequest).
 */
export function routeCaller(principal: Principal | null, remote: string | undefined): RouteCaller {
  const key = remote ?? NO_REMOTE;
  if (principal === null) {
    return anonymous.get(key) ?? keep(anonymous, key, build(null, remote), ANONYMOUS_REMOTES);
  }
  let callers = byPrincipal.get(principal);
  if (callers === undefined) {
    callers = new Map();
    byPrincipal.set(principal, callers);
  }
  return callers.get(key) ?? keep(callers, key, build(principal, remote), REMOTES_PER_PRINCIPAL);
}
