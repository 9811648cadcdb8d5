import { isoTime } from '@omega/sdk';
import type { Ctx } from './context.js';
import { SECURITY_TOPICS } from './event-topics.js';
import { refuse } from './http.js';
import { type PermissionSet, permissionCovers } from './permission-covers.js';
import { resolveRoles } from './roles.js';
import type { User } from './users.js';

/** A stored API token: named, scoped, expiring; only the secret's hash is kept. */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  hash: string;
  createdAt: string;
  expiresAt: string;
  revoked: boolean;
}

/** The API view (no hash). */
export type ApiTokenView = Omit<ApiToken, 'hash'>;

const TOKENS = 'api-tokens';
/** The kernel recognises API tokens by this prefix (kernel/auth API_TOKEN_PREFIX). */
export const API_TOKEN_PREFIX = 'omg_';
/** Longest lifetime of an API token. */
export const API_TOKEN_MAX_DAYS = 366;

const view = ({ hash: _h, ...rest }: ApiToken): ApiTokenView => rest;

/**
 * Creates an API token for `owner`. Every scope must be covered by the owner's own permissions
 * (a token is never stronger than its owner). Returns the secret once; only its hash is stored.
 */
export async function createApiToken(
  ctx: Ctx,
  owner: User,
  input: { name: string; scopes: string[]; expiresInDays: number },
): Promise<{ token: string; info: ApiTokenView }> {
  const own = await resolveRoles(ctx, owner.roles);
  for (const s of input.scopes) {
    if (!own.permissions.some((g) => permissionCovers(g, s))) {
      refuse(400, 'OMEGA_ERR_VALIDATION', `Scope "${s}" is not within your own permissions.`, {
        errors: [{ field: 'scopes', message: `${s} exceeds the owner's permissions` }],
      });
    }
  }
  const id = `t-${await ctx.crypto.random(9)}`;
  const secret = await ctx.crypto.random(32);
  const now = Date.now();
  const token: ApiToken = {
    id,
    userId: owner.id,
    name: input.name,
    scopes: input.scopes,
    hash: await ctx.crypto.hash('sha256', secret),
    createdAt: isoTime(now),
    expiresAt: isoTime(now + input.expiresInDays * 86_400_000),
    revoked: false,
  };
  await ctx.storage.set(TOKENS, id, token, { expectedVersion: 0 });
  return { token: `${API_TOKEN_PREFIX}${id}.${secret}`, info: view(token) };
}

/** A token by id. */
export async function getApiToken(ctx: Ctx, id: string): Promise<ApiToken | undefined> {
  return (await ctx.storage.get<ApiToken>(TOKENS, id))?.value;
}

/** Tokens (of one user, or all), without hashes. */
export async function listApiTokens(ctx: Ctx, userId?: string): Promise<ApiTokenView[]> {
  const out: ApiTokenView[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.list<ApiToken>(TOKENS, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of page.items)
      if (userId === undefined || r.value.userId === userId) out.push(view(r.value));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Revokes a token and announces it (the kernel drops its cached resolution). False when it was
 * revoked already: nothing changes, so nothing is announced or audited again (a second revoke
 * answered as the first and wrote a second audit entry).
 */
export async function revokeApiToken(ctx: Ctx, token: ApiToken): Promise<boolean> {
  if (token.revoked) return false;
  await ctx.storage.set(TOKENS, token.id, { ...token, revoked: true });
  await ctx.events.publish(SECURITY_TOPICS.tokenRevoked, { tokenId: token.id, reason: 'revoked' });
  return true;
}

/** Splits `omg_<id>.<secret>`; null when malformed. */
function parse(token: string): { id: string; secret: string } | null {
  const m = /^omg_(t-[A-Za-z0-9_-]{8,32})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/** What the token may do now: its scopes still covered by the owner's grants, with the owner's denials. */
export function effectiveScopes(own: PermissionSet, scopes: readonly string[]): PermissionSet {
  return {
    permissions: scopes.filter((s) => own.permissions.some((g) => permissionCovers(g, s))),
    denied: own.denied,
  };
}

/** Resolves a presented API token for the kernel, or null (unknown, wrong secret, revoked, expired, owner gone). */
export async function resolveApiToken(
  ctx: Ctx,
  presented: string,
  ownerOf: (id: string) => Promise<User | undefined>,
) {
  const p = parse(presented);
  if (!p) return null;
  const t = await getApiToken(ctx, p.id);
  if (!t || t.revoked || Date.parse(t.expiresAt) <= Date.now()) return null;
  if ((await ctx.crypto.hash('sha256', p.secret)) !== t.hash) return null;
  const owner = await ownerOf(t.userId);
  if (!owner || owner.disabled) return null;
  const set = effectiveScopes(await resolveRoles(ctx, owner.roles), t.scopes);
  return {
    id: owner.id,
    kind: 'api-token' as const,
    permissions: set.permissions,
    denied: set.denied,
    name: t.name,
    credentialId: t.id,
    expiresAt: Date.parse(t.expiresAt),
  };
}
