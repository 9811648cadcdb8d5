/** Where a join token came from. */
export type TokenKind = 'operator' | 'approval' | 'local';

/** A join token as stored: never the secret, only its digest. */
export interface JoinTokenRecord {
  id: string;
  /** Bumped by every change (a use, a revocation). */
  version: number;
  /** base64url(SHA-256(secret)). */
  digest: string;
  kind: TokenKind;
  description: string;
  /** Applied to every node that joins with it. */
  labels: Record<string, string>;
  /** Joins allowed. */
  uses: number;
  /** Joins done. */
  used: number;
  /** Node ids that joined with it (newest last, at most 100 kept). */
  joined: string[];
  /** A token minted by approving a discovered agent: only the key with this fingerprint may use it. */
  boundFingerprint?: string;
  /** The kernel's certificate hash the token carries (TLS), base64url. */
  certSha256?: string;
  createdBy: string;
  /** ISO times. */
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  revokedBy?: string;
  updatedAt: string;
}

/** A token's status at a given time. */
export type TokenStatus = 'active' | 'expired' | 'used-up' | 'revoked';

/** The status of `t` at epoch ms `now`. */
export function tokenStatus(t: JoinTokenRecord, now: number): TokenStatus {
  if (t.revokedAt !== undefined) return 'revoked';
  if (Date.parse(t.expiresAt) <= now) return 'expired';
  if (t.used >= t.uses) return 'used-up';
  return 'active';
}
