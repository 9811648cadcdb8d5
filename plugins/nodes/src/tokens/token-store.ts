import type { PluginContext } from '@omega/sdk';
import { isoTime } from '@omega/sdk';
import { constantTimeEqual } from '../crypto/constant-time-equal.js';
import { listAll } from '../registry/node-registry.js';
import type { UrgentSet } from '../storage/write-limiter.js';
import { formatJoinToken, type JoinTokenParts, parseJoinToken, secretDigest } from './join-token-format.js';
import { type JoinTokenRecord, type TokenKind, tokenStatus } from './token-record.js';

const COLLECTION = 'tokens';
/** Node ids remembered per token. */
const JOINED_KEPT = 100;
/** Tokens that can no longer be used are forgotten this long after they ended. */
export const TOKEN_RETENTION_MS = 7 * 86_400_000;

/** Why a token was refused: a code the agent is told, and a message that says what to do. */
export interface TokenRefusal {
  code: string;
  message: string;
  /** The token's id when it was recognised (for the audit trail; never the secret). */
  tokenId?: string;
}

/** What minting a token needs. */
export interface MintInput {
  kind: TokenKind;
  ttlMs: number;
  uses: number;
  labels: Record<string, string>;
  description: string;
  createdBy: string;
  boundFingerprint?: string;
  certSha256?: string;
}

/**
 * Join tokens: minted with a random id and secret (shown once, stored as a digest), listed,
 * revoked, and redeemed by joins (expiry, uses, revocation and binding checked; a use is
 * consumed before the join's first await, so two joins racing for the last use cannot both
 * pass). All tokens are kept in memory (operators mint few) and written through.
 */
export class TokenStore {
  private readonly tokens = new Map<string, JoinTokenRecord>();

  constructor(
    private readonly ctx: PluginContext,
    /** The write a join's commit uses (ahead of queued writes); default: the ordinary write. */
    private readonly urgentSet?: UrgentSet,
  ) {}

  /** Loads stored tokens; forgets those that ended more than {@link TOKEN_RETENTION_MS} ago. */
  async load(now: number): Promise<number> {
    for (const r of await listAll<JoinTokenRecord>(this.ctx, COLLECTION)) {
      const t = r.value;
      if (!t || typeof t.id !== 'string' || typeof t.digest !== 'string') continue;
      this.tokens.set(t.id, t);
    }
    await this.prune(now);
    return this.tokens.size;
  }

  /** Mints a token; answers the record and the token text (shown once). */
  async mint(input: MintInput): Promise<{ record: JoinTokenRecord; token: string }> {
    let id = await this.ctx.crypto.random(9);
    while (this.tokens.has(id)) id = await this.ctx.crypto.random(9);
    const secret = await this.ctx.crypto.random(32);
    const now = Date.now();
    const record: JoinTokenRecord = {
      id,
      version: 1,
      digest: secretDigest(secret),
      kind: input.kind,
      description: input.description,
      labels: input.labels,
      uses: input.uses,
      used: 0,
      joined: [],
      ...(input.boundFingerprint ? { boundFingerprint: input.boundFingerprint } : {}),
      ...(input.certSha256 ? { certSha256: input.certSha256 } : {}),
      createdBy: input.createdBy,
      createdAt: isoTime(now),
      expiresAt: isoTime(now + input.ttlMs),
      updatedAt: isoTime(now),
    };
    await this.ctx.storage.set(COLLECTION, id, record);
    this.tokens.set(id, record);
    const parts: JoinTokenParts = {
      id,
      secret,
      ...(input.certSha256 ? { certSha256: input.certSha256 } : {}),
    };
    return { record, token: formatJoinToken(parts) };
  }

  /** Every token, newest first. */
  list(): JoinTokenRecord[] {
    return [...this.tokens.values()].sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0,
    );
  }

  /** One token by id. */
  get(id: string): JoinTokenRecord | undefined {
    return this.tokens.get(id);
  }

  /** Revokes a token (kept, so a join with it is told "revoked"); false when already revoked. */
  async revoke(id: string, by: string): Promise<boolean> {
    const t = this.tokens.get(id);
    if (!t || t.revokedAt !== undefined) return false;
    const now = isoTime(Date.now());
    t.revokedAt = now;
    t.revokedBy = by;
    t.updatedAt = now;
    t.version = (t.version ?? 1) + 1;
    await this.ctx.storage.set(COLLECTION, id, t);
    return true;
  }

  /**
   * Checks `token` for a join at `now` by the key with fingerprint `fingerprint`; `rejoin`: that
   * key already joined as node `rejoin` (with this token it costs no use). Answers the token
   * (a use already taken) or why it is refused. Call {@link commit} once the join is durable,
   * or {@link release} when it fails after all.
   */
  redeem(
    token: string,
    now: number,
    fingerprint: string,
    rejoin?: string,
  ): { record: JoinTokenRecord; consumed: boolean } | { refused: TokenRefusal } {
    const parts = parseJoinToken(token);
    if (!parts)
      return {
        refused: {
          code: 'OMEGA_ERR_TOKEN_INVALID',
          message: 'This is not a join token (omg-join.<id>.<secret>[.<cert>]); check it was copied whole.',
        },
      };
    const t = this.tokens.get(parts.id);
    if (!t || !constantTimeEqual(t.digest, secretDigest(parts.secret)))
      return {
        refused: {
          code: 'OMEGA_ERR_TOKEN_INVALID',
          message: 'Join token not recognised by this kernel (forged, mistyped, or from another kernel).',
        },
      };
    const tokenId = t.id;
    if (t.boundFingerprint !== undefined && t.boundFingerprint !== fingerprint)
      return {
        refused: {
          code: 'NODES_ERR_TOKEN_BOUND',
          message: `Join token ${tokenId} was minted for another agent's key.`,
          tokenId,
        },
      };
    const again = rejoin !== undefined && t.joined.includes(rejoin);
    if (t.revokedAt !== undefined)
      return {
        refused: {
          code: 'NODES_ERR_TOKEN_REVOKED',
          message: `Join token ${tokenId} was revoked at ${t.revokedAt}.`,
          tokenId,
        },
      };
    if (Date.parse(t.expiresAt) <= now)
      return {
        refused: {
          code: 'OMEGA_ERR_TOKEN_EXPIRED',
          message: `Join token ${tokenId} expired at ${t.expiresAt}; mint a new one.`,
          tokenId,
        },
      };
    if (again) return { record: t, consumed: false };
    if (t.used >= t.uses)
      return {
        refused: {
          code: 'NODES_ERR_TOKEN_USED_UP',
          message: `Join token ${tokenId} has no uses left (${t.used} of ${t.uses} used).`,
          tokenId,
        },
      };
    t.used++;
    return { record: t, consumed: true };
  }

  /** Records that node `nodeId` joined with `t` (after {@link redeem}); resolves once durable. */
  async commit(t: JoinTokenRecord, nodeId: string): Promise<void> {
    if (!t.joined.includes(nodeId)) {
      t.joined.push(nodeId);
      if (t.joined.length > JOINED_KEPT) t.joined.splice(0, t.joined.length - JOINED_KEPT);
    }
    t.updatedAt = isoTime(Date.now());
    t.version = (t.version ?? 1) + 1;
    if (this.urgentSet) await this.urgentSet(COLLECTION, t.id, t);
    else await this.ctx.storage.set(COLLECTION, t.id, t);
  }

  /** Gives back a use {@link redeem} took for a join that then failed. */
  release(t: JoinTokenRecord): void {
    if (t.used > 0) t.used--;
  }

  /** Forgets tokens that ended (expired, used up, revoked) more than the retention ago. */
  async prune(now: number): Promise<number> {
    let n = 0;
    for (const t of [...this.tokens.values()]) {
      const status = tokenStatus(t, now);
      if (status === 'active') continue;
      const ended = Date.parse(
        status === 'revoked'
          ? (t.revokedAt ?? t.updatedAt)
          : status === 'expired'
            ? t.expiresAt
            : t.updatedAt,
      );
      if (now - ended < TOKEN_RETENTION_MS) continue;
      this.tokens.delete(t.id);
      await this.ctx.storage.delete(COLLECTION, t.id).catch(() => false);
      n++;
    }
    return n;
  }
}
