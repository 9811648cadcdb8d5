import { ApiError } from '../../api-client.js';
import { UsageError } from '../../command.js';

/** One page of the security plugin's user listing (`GET /api/v1/security/users`). */
export interface UserPage {
  items: ReadonlyArray<{ id: string; username: string }>;
  nextCursor?: string;
}

/** Whom a user quota is keyed by: the user's id, and the name it was given as when that was a username. */
export interface QuotaUser {
  id: string;
  username?: string;
  /** A line for stderr when the name could not be checked. */
  warning?: string;
}

/** The static admin token's principal (kernel/auth/admin-token.ts): a principal, not a user. */
const ADMIN_PRINCIPAL = 'admin';

/**
 * `sessions quota … user NAME`: a user quota is keyed by the user's id (`u-…`), so a username
 * (`alice`) is looked up in the security plugin's users and its id used — `quota set user alice`
 * stored a quota for a principal "alice" that no one is, and applied to nobody. The name is a
 * username first (one may start with `u-`); it is taken as an id when it is a user's id, or when
 * no user has that name and it looks like one (`u-…`). With `strict` (quota set), any other name
 * is refused, but for `admin` (the admin token's principal). When the users cannot be listed (no
 * security plugin, no security:read), the name is taken as given, with a warning (but for `u-…`).
 */
export async function quotaUser(
  name: string,
  listUsers: (cursor?: string) => Promise<UserPage>,
  strict: boolean,
): Promise<QuotaUser> {
  let cursor: string | undefined;
  let isId = false;
  try {
    do {
      const page = await listUsers(cursor);
      const user = page.items.find((u) => u.username === name);
      if (user) return { id: user.id, username: name };
      isId ||= page.items.some((u) => u.id === name);
      cursor = page.nextCursor;
    } while (cursor);
  } catch (err) {
    if (!(err instanceof ApiError) || err.httpStatus === undefined) throw err;
    if (name.startsWith('u-')) return { id: name };
    return {
      id: name,
      warning: `could not look up a user named "${name}" (${err.message}); the quota is keyed by "${name}" as given, and applies only to a principal with that id`,
    };
  }
  if (isId || name.startsWith('u-') || !strict || name === ADMIN_PRINCIPAL) return { id: name };
  throw new UsageError(
    `no user "${name}": a user quota is keyed by a user's id (u-…) or found by their username, and no user has this one`,
  );
}
