import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** SHA-256 (base64url) of the DER form of the first certificate in a PEM file: what join tokens pin. */
export function certificateSha256(pemFile: string): string {
  const cert = new X509Certificate(readFileSync(pemFile));
  return createHash('sha256').update(cert.raw).digest('base64url');
}
