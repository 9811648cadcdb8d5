import { isoTime } from '@omega/sdk';
import type { Ctx } from './context.js';
import { refuse } from './http.js';
import { passwordProblem } from './password-policy.js';
import { findRole } from './roles.js';
import { USER_ID_SHAPE, USERNAME_RE } from './validate.js';

/** A stored user. The password hash never leaves the plugin. */
export interface User {
  id: string;
  username: string;
  roles: string[];
  disabled: boolean;
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
  passwordChangedAt: string;
}

/** A user as the API shows it. */
export type UserView = Omit<User, 'passwordHash'>;

const USERS = 'users';
const NAMES = 'usernames';

/** The API view of a user (no hash). */
export function viewUser(u: User): UserView {
  const { passwordHash: _hash, ...rest } = u;
  return rest;
}

/** A user by id. */
export async function getUser(ctx: Ctx, id: string): Promise<User | undefined> {
  return (await ctx.storage.get<User>(USERS, id))?.value;
}

/**
 * A user by username (case-insensitive). Text no username can be (control characters, past 64
 * characters) names nobody: storage is not asked, as it refuses some such ids (a 502 for the client).
 */
export async function findUserByName(ctx: Ctx, username: string): Promise<User | undefined> {
  if (!USERNAME_RE.test(username)) return undefined;
  const idx = await ctx.storage.get<{ id: string }>(NAMES, username.toLowerCase());
  return idx ? getUser(ctx, idx.value.id) : undefined;
}

/** True when at least one user exists. */
export async function anyUser(ctx: Ctx): Promise<boolean> {
  return (await ctx.storage.list(USERS, { limit: 1 })).items.length > 0;
}

/** Users in id order, one page. */
export async function listUsers(ctx: Ctx, limit: number, cursor?: string) {
  const page = await ctx.storage.list<User>(USERS, cursor ? { limit, cursor } : { limit }).catch((err) => {
    // Storage refuses a cursor it did not make; that is the caller's bad input, not a plugin failure.
    if (cursor && (err as { code?: unknown })?.code === 'OMEGA_ERR_VALIDATION') {
      refuse(400, 'OMEGA_ERR_VALIDATION', 'Invalid query: cursor: use the nextCursor of the previous page', {
        errors: [{ field: 'cursor', message: 'use the nextCursor of the previous page' }],
      });
    }
    throw err;
  });
  return { items: page.items.map((r) => viewUser(r.value)), nextCursor: page.nextCursor };
}

/** Throws 400 unless every role exists. */
export async function checkRoles(ctx: Ctx, roles: readonly string[]): Promise<void> {
  for (const r of roles) {
    if (!(await findRole(ctx, r))) {
      refuse(400, 'OMEGA_ERR_VALIDATION', `Unknown role "${r}".`, {
        errors: [{ field: 'roles', message: `unknown role ${r}` }],
      });
    }
  }
}

/** Throws 400 unless the password satisfies the policy. */
export function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) {
    refuse(400, 'OMEGA_ERR_VALIDATION', `Invalid body: password: ${problem}.`, {
      errors: [{ field: 'password', message: problem }],
    });
  }
}

/** Creates a user (409 when the username is taken). */
export async function createUser(
  ctx: Ctx,
  input: { username: string; password: string; roles: string[] },
): Promise<User> {
  if (USER_ID_SHAPE.test(input.username))
    refuse(
      400,
      'OMEGA_ERR_VALIDATION',
      `The username "${input.username}" has the shape of a user id (u- and 16 letters, digits, - or _); choose another.`,
      {
        errors: [
          { field: 'username', message: 'must not have the shape of a user id (u- and 16 characters)' },
        ],
      },
    );
  checkPassword(input.password, input.username);
  await checkRoles(ctx, input.roles);
  const key = input.username.toLowerCase();
  if (await ctx.storage.get(NAMES, key)) {
    refuse(409, 'OMEGA_ERR_ALREADY_EXISTS', `The username "${input.username}" is taken.`);
  }
  const now = isoTime(Date.now());
  const user: User = {
    id: `u-${await ctx.crypto.random(12)}`,
    username: input.username,
    roles: input.roles,
    disabled: false,
    passwordHash: await ctx.crypto.hashPassword(input.password),
    createdAt: now,
    updatedAt: now,
    passwordChangedAt: now,
  };
  // The name reservation and the user, all or nothing (a crash between two writes left a name
  // reserved with nobody behind it). expectedVersion 0: a concurrent create loses with 409.
  try {
    await ctx.storage.transaction([
      { op: 'set', collection: NAMES, id: key, value: { id: user.id }, expectedVersion: 0 },
      { op: 'set', collection: USERS, id: user.id, value: user, expectedVersion: 0 },
    ]);
  } catch (err) {
    if ((err as { code?: string }).code === 'OMEGA_ERR_CONFLICT') {
      refuse(409, 'OMEGA_ERR_ALREADY_EXISTS', `The username "${input.username}" is taken.`);
    }
    throw err;
  }
  return user;
}

/**
 * Removes username reservations with no user behind them (left by a crash between the two
 * writes of a user creation before creations were one transaction); resolves what it removed.
 */
export async function repairOrphanNames(ctx: Ctx): Promise<{ username: string; id: string }[]> {
  const removed: { username: string; id: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.list<{ id: string }>(NAMES, { limit: 500, ...(cursor ? { cursor } : {}) });
    for (const r of page.items) {
      if (await ctx.storage.get(USERS, r.value.id)) continue;
      try {
        // The version check: a name re-reserved meanwhile is left alone.
        await ctx.storage.delete(NAMES, r.id, { expectedVersion: r.version });
        removed.push({ username: r.id, id: r.value.id });
      } catch (err) {
        if ((err as { code?: string }).code !== 'OMEGA_ERR_CONFLICT') throw err;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return removed;
}

/** A stored user and the version it was read at. */
type UserRecord = { value: User; version: number };

/**
 * Changes a stored user with `patch` (given the user as stored; null leaves them as they are).
 * Each write is checked against the version read, so a change made meanwhile is re-read and
 * patched again, not overwritten: a user changing their password while an administrator disabled
 * them wrote back the copy read before, enabled again. Resolves the user written, or undefined
 * when absent or left as they are. `first` is the record when the caller has just read it.
 */
export async function patchUser(
  ctx: Ctx,
  id: string,
  patch: (user: User) => User | null | Promise<User | null>,
  first?: UserRecord,
): Promise<User | undefined> {
  let rec: UserRecord | null = first ?? (await ctx.storage.get<User>(USERS, id));
  for (let attempt = 1; rec; attempt++) {
    const next = await patch(rec.value);
    if (!next) return undefined;
    const stored: User = { ...next, id, updatedAt: isoTime(Date.now()) };
    try {
      await ctx.storage.set(USERS, id, stored, { expectedVersion: rec.version });
      return stored;
    } catch (err) {
      if ((err as { code?: string }).code !== 'OMEGA_ERR_CONFLICT' || attempt >= 10) throw err;
    }
    rec = await ctx.storage.get<User>(USERS, id);
  }
  return undefined;
}

/**
 * Takes `role` off every user holding it (a deleted role, or a name left on users by an earlier
 * deletion); resolves the ids of those changed. Each write is checked against the version read,
 * so a concurrent change of the user is re-read and kept, not overwritten.
 */
export async function stripRole(
  ctx: Ctx,
  role: string,
  /**
   * Runs for each holder before the role comes off them (their sessions revoked): a failure leaves
   * them a holder, so a retry finds them again — not a user stripped and never revoked (review).
   */
  beforeStrip?: (id: string) => Promise<unknown>,
): Promise<string[]> {
  const changed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.list<User>(USERS, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of page.items) {
      if (!r.value.roles.includes(role)) continue;
      await beforeStrip?.(r.id);
      if (await stripOne(ctx, r.id, role, r)) changed.push(r.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return changed;
}

/** Takes `role` off one user, re-reading after a concurrent write; false when they no longer hold it. */
async function stripOne(ctx: Ctx, id: string, role: string, first: UserRecord): Promise<boolean> {
  const next = await patchUser(
    ctx,
    id,
    (u) => (u.roles.includes(role) ? { ...u, roles: u.roles.filter((r) => r !== role) } : null),
    first,
  );
  return next !== undefined;
}

/** Deletes a user and its name index entry; false when absent. */
export async function deleteUser(ctx: Ctx, id: string): Promise<User | undefined> {
  const user = await getUser(ctx, id);
  if (!user) return undefined;
  await ctx.storage.transaction([
    { op: 'delete', collection: USERS, id },
    { op: 'delete', collection: NAMES, id: user.username.toLowerCase() },
  ]);
  return user;
}
