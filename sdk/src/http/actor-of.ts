import type { RouteCaller } from '@omega/protocol';

/** Who is acting, as a plugin records it (on records, holds, settings and in the audit trail). */
export interface Actor {
  /** Stable id: the caller's id (a user id, `admin`, an API token's owner), `anonymous` when it has none. */
  id: string;
  /** Display name: the caller's name, else its id. */
  name: string;
  /** The client's address, when the kernel saw one. */
  source?: string;
}

/**
 * The caller of a route as an {@link Actor}: `actorOf(req).id` for the audit trail's `actor`,
 * `.name` for an `updatedBy`, `.source` for the audit's `source`.
 */
export function actorOf(req: { readonly caller: Pick<RouteCaller, 'id' | 'name' | 'remote'> }): Actor {
  const c = req.caller;
  const id = c.id || 'anonymous';
  return { id, name: c.name ?? id, ...(c.remote ? { source: c.remote } : {}) };
}
