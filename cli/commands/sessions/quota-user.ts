import { ApiError } from '../../api-client.js';
import { UsageError } from '../../command.js';

/** The user with this username (the security plugin's `GET /api/v1/security/users?username=`), or undefined. */
export type FindUser = (username: string) => Promise<{ id: string; username: string } | undefined>;

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
 * username first (one may start with `u-`; found case-insensitively, as at sign-in); it is taken
 * as an id when no user has that name and it looks like one (`u-…`: every user id does). With
 * `strict` (quota set), any other name is refused, but for `admin` (the admin token's principal). When the users cannot be listed (no
 * security plugin, no security:read), the name is taken as given, with a warning (but for `u-…`).
 */
export async function quotaUser(name: string, findUser: FindUser, strict: boolean): Promise<QuotaUser> {
  try {
    const user = await findUser(name);
    if (user) return { id: user.id, username: user.username };
  } catch (err) {
    if (!(err instanceof ApiError) || err.httpStatus === undefined) throw err;
    if (name.startsWith('u-')) return { id: name };
    return {
      id: name,
      warning: `could not look up a user named "${name}" (${err.message}); the quota is keyed by "${name}" as given, and applies only to a principal with that id`,
    };
  }
  if (name.startsWith('u-') || !strict || name === ADMIN_PRINCIPAL) return { id: name };
  throw new UsageError(
    `no user "${name}": a user quota is keyed by a user's id (u-…) or found by their username, and no user has this one`,
  );
}
