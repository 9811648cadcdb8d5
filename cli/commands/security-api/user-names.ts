import type { KernelApi } from '../../kernel-api.js';

/** At most this many users are read to name ids (1,000 a page). */
const MAX_USERS = 10_000;

/**
 * Every user's username by id, for a listing that shows who (an audit entry's actor, a token's
 * owner: both are recorded as ids). Best effort: a caller who may not list users (an API token
 * scoped to the audit alone) gets what it could read, and the listing shows ids.
 */
export async function userNames(api: KernelApi): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let cursor: string | undefined;
  try {
    do {
      const page = await api.get('/api/v1/security/users', { query: { limit: 1000, cursor } });
      for (const u of page.items) names.set(u.id, u.username);
      cursor = page.nextCursor;
    } while (cursor && names.size < MAX_USERS);
  } catch {
    // Ids it is, for the users not read.
  }
  return names;
}
