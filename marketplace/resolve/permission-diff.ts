import { capabilityCovers, manifestSchema, parseCapability, routeShapeKey } from '@omega/protocol';

/** A publisher key, with the publisher's name when one is known (index or trust file). */
export interface PublisherRef {
  kid: string;
  name?: string;
}

/**
 * What one version of a plugin may do: the capabilities (for an installed version: the ones
 * the operator approved), its resource limits, and the publisher key that signed it (unknown
 * for a version installed before keys were recorded).
 */
export interface ConsentSubject {
  permissions: readonly string[];
  limits: Readonly<Record<string, number | undefined>>;
  publisher?: PublisherRef;
  /** Its UI panels as consent lines (`panelConsents`: id, slot, topics, reads, actions); none when absent. */
  panels?: readonly string[];
  /** Whether it declares the `auth-provider` service (with `auth:provider`, it can answer sign-in). */
  authProviderService?: boolean;
  /** The permission each of its routes needs (or `public`), by route (`routeConsents`); none when absent. */
  routes?: Readonly<Record<string, string>>;
}

/** One route whose caller needs something else than before (`from` absent: a new route). */
export interface RouteChange {
  route: string;
  from?: string;
  to: string;
}

/**
 * Its routes' permissions as a consent compares them: `METHOD /path` → permission or `public`,
 * path parameters written `:` (a renamed parameter is the same route).
 */
export function routeConsents(m: {
  routes: ReadonlyArray<{ method: string; path: string; permission: string }>;
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of m.routes) out[routeShapeKey(r.method, r.path)] = r.permission;
  return out;
}

/** One resource limit that grows; `from` is null when the old version had none and there is no default. */
export interface LimitChange {
  limit: string;
  from: number | null;
  to: number;
}

/** What changes in what a plugin may do between two versions: the diff the operator approves. */
export interface PermissionDiff {
  /** New capabilities unrelated to any approved one. */
  added: string[];
  /** Approved capabilities replaced by a broader one (e.g. `events:publish:nodes.up` → `events:publish:nodes.*`). */
  widened: Array<{ from: string; to: string }>;
  /** Approved capabilities no longer asked for (or narrowed). */
  removed: string[];
  /**
   * Resource limits that grow (`memoryMb`, `callTimeoutMs`, and any limit the manifest schema
   * adds later: every limit is an amount the plugin may use, so larger is more). A fresh
   * install is compared with the kernel's defaults.
   */
  limits: LimitChange[];
  /** Set when the signing publisher key differs from the installed version's (or that one is unknown). */
  publisher?: { from: PublisherRef | null; to: PublisherRef };
  /** UI panels (issue #19) new or changed (`added`: a changed panel's new line), and no longer declared. */
  panels: { added: string[]; removed: string[] };
  /**
   * Routes whose callers need another permission than the installed version's, and every new
   * route (walk: an upgrade that made a route public, or lowered its permission, installed with
   * no question; review: a new route behind a permission roles already grant, say a DELETE behind
   * `greeter:read`, is reachable by every holder at once). A fresh install lists its public routes.
   */
  routes: RouteChange[];
  /**
   * Set when the installed version can answer sign-in (the `auth-provider` service and
   * `auth:provider` approved) and the next cannot: it drops the permission or the service.
   */
  endsSignIn?: 'permission' | 'service';
  /**
   * True when any of the above asks for more, or `auth:provider` is removed, or the version can
   * no longer answer sign-in (a provider that stops ends every sign-in, review): only an approval
   * of this exact diff lets it through.
   */
  escalating: boolean;
}

/** True when `removed` takes the auth provider's capability away. */
export const dropsAuthProvider = (removed: readonly string[]): boolean =>
  removed.some((p) => parseCapability(p).kind === 'auth.provider');

/**
 * The limits a plugin gets without asking (the manifest schema's defaults). Read from the
 * schema itself so a limit added there is compared here without a second list.
 */
export const DEFAULT_LIMITS: Readonly<Record<string, number | undefined>> =
  manifestSchema.in.shape.limits.parse(undefined);

/**
 * Compares what `next` may do with what `current` may do (nothing, for a fresh install).
 * Coverage uses the kernel's capability semantics (`capabilityCovers`), so a broader topic
 * pattern is "widened", not "added + removed". The one implementation for file installs and
 * the marketplace alike.
 */
export function permissionDiff(current: ConsentSubject | undefined, next: ConsentSubject): PermissionDiff {
  const oldPerms = current?.permissions ?? [];
  const newPerms = next.permissions;
  const parsed = (s: string) => parseCapability(s);
  const added: string[] = [];
  const widened: PermissionDiff['widened'] = [];
  for (const p of newPerms) {
    const pd = parsed(p);
    if (oldPerms.some((q) => capabilityCovers(parsed(q), pd))) continue;
    const narrower = oldPerms.find((q) => capabilityCovers(pd, parsed(q)));
    if (narrower !== undefined) widened.push({ from: narrower, to: p });
    else added.push(p);
  }
  const removed = oldPerms.filter((q) => !newPerms.some((p) => capabilityCovers(parsed(p), parsed(q))));
  const limits: LimitChange[] = [];
  const baseline = current?.limits ?? DEFAULT_LIMITS;
  for (const limit of Object.keys(next.limits).sort()) {
    const to = next.limits[limit];
    if (typeof to !== 'number') continue;
    const from = baseline[limit] ?? DEFAULT_LIMITS[limit];
    if (from === undefined || to > from) limits.push({ limit, from: from ?? null, to });
  }
  const changedKey = current !== undefined && current.publisher?.kid !== next.publisher?.kid;
  const publisher =
    changedKey && next.publisher ? { from: current.publisher ?? null, to: next.publisher } : undefined;
  const oldPanels = current?.panels ?? [];
  const newPanels = next.panels ?? [];
  const panels = {
    added: newPanels.filter((p) => !oldPanels.includes(p)),
    removed: oldPanels.filter((p) => !newPanels.includes(p)),
  };
  // A version that keeps `auth:provider` but no longer declares the service answers no sign-in
  // either (last note: only the permission was compared).
  const routes: RouteChange[] = [];
  const oldRoutes = current?.routes ?? {};
  for (const [route, to] of Object.entries(next.routes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const from = Object.hasOwn(oldRoutes, route) ? oldRoutes[route] : undefined;
    const isNew = from === undefined;
    // A fresh install's consent is its permissions (all new); only its public routes are named.
    if (isNew ? current !== undefined || to === 'public' : from !== to)
      routes.push({ route, ...(isNew ? {} : { from }), to });
  }
  const signIn = (s: ConsentSubject) =>
    s.authProviderService === true && s.permissions.some((p) => parsed(p).kind === 'auth.provider');
  const endsSignIn =
    current !== undefined && signIn(current) && !signIn(next)
      ? dropsAuthProvider(removed)
        ? ('permission' as const)
        : ('service' as const)
      : undefined;
  return {
    added,
    widened,
    removed,
    limits,
    ...(publisher ? { publisher } : {}),
    panels,
    routes,
    ...(endsSignIn ? { endsSignIn } : {}),
    escalating:
      added.length > 0 ||
      widened.length > 0 ||
      limits.length > 0 ||
      publisher !== undefined ||
      panels.added.length > 0 ||
      routes.length > 0 ||
      dropsAuthProvider(removed) ||
      endsSignIn !== undefined,
  };
}
