import type { Revocation } from './decision-cache.js';

/** Bus topics on which the provider announces revocations; the kernel drops cached decisions on them. */
export const REVOCATION_TOPICS = ['security.token.revoked', 'security.user.changed'] as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * What a revocation event names: `security.token.revoked` carries `jti`, `tokenId`, `family`,
 * `keyId` or `sub`; `security.user.changed` carries the user's `id`. Anything else names nothing.
 * Only ever used to forget cached decisions, so a forged event can cost a re-check, never grant.
 */
export function revocationOf(topic: string, data: unknown): (Revocation & { keyId?: string }) | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (topic === 'security.user.changed') {
    const sub = str(d.id);
    return sub === undefined ? null : { sub };
  }
  if (topic !== 'security.token.revoked') return null;
  const out: Revocation & { keyId?: string } = {};
  const credentialId = str(d.jti) ?? str(d.tokenId) ?? str(d.keyId);
  if (credentialId !== undefined) out.credentialId = credentialId;
  const family = str(d.family);
  if (family !== undefined) out.family = family;
  const sub = str(d.sub);
  if (sub !== undefined) out.sub = sub;
  const keyId = str(d.keyId);
  if (keyId !== undefined) out.keyId = keyId;
  return Object.keys(out).length > 0 ? out : null;
}
