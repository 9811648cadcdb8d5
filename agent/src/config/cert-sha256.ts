import { z } from 'zod';

/**
 * The canonical form of a certificate's SHA-256 (base64url of the 32 digest bytes, as the
 * kernel's `agents.info()` and join tokens carry it) from base64url or hex (either case, with or
 * without a `sha256:` prefix or colons, like kubeadm's discovery hash); undefined when it is
 * neither.
 */
export function canonicalCertSha256(text: string): string | undefined {
  const t = text.trim().replace(/^sha256:/i, '');
  const hex = t.replaceAll(':', '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, 'hex').toString('base64url');
  if (/^[A-Za-z0-9_-]{43}$/.test(t)) {
    const bytes = Buffer.from(t, 'base64url');
    return bytes.length === 32 && bytes.toString('base64url') === t ? t : undefined;
  }
  return undefined;
}

/** A certificate hash in any accepted form, normalised to base64url. */
export const certSha256 = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const c = canonicalCertSha256(s);
    if (c === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be the SHA-256 of the certificate: 43 base64url characters or 64 hex digits',
      });
      return z.NEVER;
    }
    return c;
  });

/**
 * The certificate hash a join token carries (`omg-join.<id>.<secret>.<certSha256>`, the nodes
 * plugin's format), or undefined for a token without one.
 */
export function certSha256OfToken(token: string): string | undefined {
  const parts = token.split('.');
  if (parts[0] !== 'omg-join' || parts.length !== 4) return undefined;
  return canonicalCertSha256(parts[3]!);
}
