import { isoTime } from '@omega/sdk';
import type { Ctx } from './context.js';
import { SECURITY_TOPICS } from './event-topics.js';
import { refuse } from './http.js';
import { resolveRoles } from './roles.js';
import type { User } from './users.js';

/** Access tokens live 15 minutes; refresh tokens 7 days; a sign-in session at most 30 days. */
export const ACCESS_TTL_SEC = 15 * 60;
const REFRESH_TTL_MS = 7 * 24 * 3600_000;
const SESSION_MAX_MS = 30 * 24 * 3600_000;
const USED_KEPT = 64;

/** A refresh-token family: one sign-in, rotated on every refresh. Stored by hash only. */
export interface Session {
  id: string;
  userId: string;
  /** SHA-256 of the current refresh secret. */
  current: string;
  /** Hashes of rotated-out secrets: presenting one again is reuse. */
  used: string[];
  createdAt: number;
  refreshExpiresAt: number;
  revoked: boolean;
  revokedReason?: string;
}

/** What login and refresh answer. */
export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
}

const SESSIONS = 'sessions';

const sha = (ctx: Ctx, s: string) => ctx.crypto.hash('sha256', s);

/** A session by family id. */
export async function getSession(ctx: Ctx, id: string) {
  return ctx.storage.get<Session>(SESSIONS, id);
}

/** Signs an access token for `user` in session `fam` through the kernel (auth.signToken). */
async function accessToken(ctx: Ctx, user: User, fam: string): Promise<string> {
  const { permissions, denied } = await resolveRoles(ctx, user.roles);
  return ctx.auth.signToken(
    user.id,
    { jti: await ctx.crypto.random(16), perms: permissions, deny: denied, fam, name: user.username },
    ACCESS_TTL_SEC,
  );
}

function pair(access: string, fam: string, secret: string, expiresAt: number): TokenPair {
  return {
    tokenType: 'Bearer',
    accessToken: access,
    expiresIn: ACCESS_TTL_SEC,
    refreshToken: `ort.${fam}.${secret}`,
    refreshExpiresAt: isoTime(expiresAt),
  };
}

/** Starts a session for `user`: a new refresh family and its first access token. */
export async function startSession(ctx: Ctx, user: User): Promise<TokenPair> {
  const fam = `${user.id}~${await ctx.crypto.random(12)}`;
  const secret = await ctx.crypto.random(32);
  const now = Date.now();
  const session: Session = {
    id: fam,
    userId: user.id,
    current: await sha(ctx, secret),
    used: [],
    createdAt: now,
    refreshExpiresAt: now + REFRESH_TTL_MS,
    revoked: false,
  };
  await ctx.storage.set(SESSIONS, fam, session, { expectedVersion: 0 });
  return pair(await accessToken(ctx, user, fam), fam, secret, session.refreshExpiresAt);
}

/** Splits `ort.<family>.<secret>`; null when malformed. */
export function parseRefreshToken(token: unknown): { fam: string; secret: string } | null {
  if (typeof token !== 'string' || token.length > 512) return null;
  const m = /^ort\.([A-Za-z0-9_~-]{1,200})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m ? { fam: m[1]!, secret: m[2]! } : null;
}

/** Outcome of presenting a refresh token. */
export type RefreshCheck =
  | { kind: 'current'; session: Session; version: number }
  | { kind: 'reused'; session: Session; version: number }
  | { kind: 'revoked'; session: Session }
  | { kind: 'invalid' };

/** Classifies a refresh token: current, an old (reused) one, one of a revoked family, or invalid. */
export async function checkRefresh(ctx: Ctx, token: unknown): Promise<RefreshCheck> {
  const parsed = parseRefreshToken(token);
  if (!parsed) return { kind: 'invalid' };
  const rec = await getSession(ctx, parsed.fam);
  if (!rec) return { kind: 'invalid' };
  const session = rec.value;
  const h = await sha(ctx, parsed.secret);
  const known = h === session.current || session.used.includes(h);
  if (!known) return { kind: 'invalid' };
  if (session.revoked) return { kind: 'revoked', session };
  if (h !== session.current) return { kind: 'reused', session, version: rec.version };
  return { kind: 'current', session, version: rec.version };
}

/** Rotates a current refresh token: a new secret (the old one joins `used`) and a new access token. */
export async function rotate(ctx: Ctx, session: Session, version: number, user: User): Promise<TokenPair> {
  const now = Date.now();
  if (now > session.refreshExpiresAt || now > session.createdAt + SESSION_MAX_MS) {
    refuse(401, 'OMEGA_ERR_TOKEN_EXPIRED', 'The refresh token has expired; sign in again.');
  }
  const secret = await ctx.crypto.random(32);
  const next: Session = {
    ...session,
    current: await sha(ctx, secret),
    used: [...session.used, session.current].slice(-USED_KEPT),
    refreshExpiresAt: Math.min(now + REFRESH_TTL_MS, session.createdAt + SESSION_MAX_MS),
  };
  try {
    await ctx.storage.set(SESSIONS, session.id, next, { expectedVersion: version });
  } catch {
    // A concurrent refresh with the same token won the race: this one is a reuse.
    refuse(401, 'OMEGA_ERR_TOKEN_INVALID', 'The refresh token was already used.');
  }
  return pair(await accessToken(ctx, user, session.id), session.id, secret, next.refreshExpiresAt);
}

/** Revokes one session and announces it, so the kernel drops cached access tokens of the family. */
export async function revokeSession(ctx: Ctx, session: Session, reason: string): Promise<void> {
  if (!session.revoked) {
    await ctx.storage.set(SESSIONS, session.id, { ...session, revoked: true, revokedReason: reason });
  }
  await ctx.events.publish(SECURITY_TOPICS.tokenRevoked, {
    family: session.id,
    user: session.userId,
    reason,
  });
}

/** Revokes every session of a user (password or role change, disable, delete); returns how many. */
export async function revokeUserSessions(ctx: Ctx, userId: string, reason: string): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.list<Session>(SESSIONS, {
      prefix: `${userId}~`,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const r of page.items) {
      if (r.value.revoked) continue;
      await ctx.storage.set(SESSIONS, r.id, { ...r.value, revoked: true, revokedReason: reason });
      n++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  await ctx.events.publish(SECURITY_TOPICS.userChanged, { id: userId, reason });
  return n;
}
