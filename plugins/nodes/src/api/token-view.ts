import type { JoinTokenRecord } from '../tokens/token-record.js';
import { tokenStatus } from '../tokens/token-record.js';

/** A join token as the API shows it: never the secret (only minting shows the token, once). */
export function tokenView(t: JoinTokenRecord, now: number) {
  return {
    id: t.id,
    version: t.version ?? 1,
    spec: {
      kind: t.kind,
      description: t.description,
      labels: t.labels,
      uses: t.uses,
      expiresAt: t.expiresAt,
      ...(t.boundFingerprint ? { boundFingerprint: t.boundFingerprint } : {}),
      ...(t.certSha256 ? { certSha256: t.certSha256 } : {}),
    },
    status: {
      state: tokenStatus(t, now),
      used: t.used,
      joined: t.joined,
      ...(t.revokedAt ? { revokedAt: t.revokedAt, revokedBy: t.revokedBy } : {}),
    },
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
