import type { JWK } from 'jose';
import { z } from 'zod';
import { omegaError } from '../errors/index.js';
import { exportKey, importKey, type LoadedKey } from './key-material.js';
import type { KeyKind } from './types.js';

/** Kinds every keyring holds exactly one active key of. */
export const KEY_KINDS: readonly KeyKind[] = ['signing', 'seal', 'hmac'];

const storedKeySchema = z.object({
  kid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  kind: z.enum(['signing', 'seal', 'hmac']),
  status: z.enum(['active', 'verify-only']),
  createdAt: z.iso.datetime(),
  jwk: z.record(z.string(), z.unknown()),
});

const fileSchema = z.object({
  format: z.literal('omega-keyring'),
  version: z.literal(1),
  keys: z.array(storedKeySchema),
});

/** The text of keyring.json for these keys (contains key material: write it with mode 0600 only). */
export function serializeKeyring(keys: readonly LoadedKey[]): string {
  return `${JSON.stringify({ format: 'omega-keyring', version: 1, keys: keys.map(exportKey) }, null, 2)}\n`;
}

/**
 * Parses keyring.json into keys; any fault is `OMEGA_ERR_KEYRING` naming the file and what to do.
 * The file is never touched here.
 */
export function parseKeyring(text: string, path: string): LoadedKey[] {
  const refuse = (why: string) =>
    omegaError(
      'OMEGA_ERR_KEYRING',
      `Keyring ${path} is unusable: ${why}. Restore it from a backup; or move it aside to start with new keys ` +
        '(tokens, signatures and sealed data made with the old keys will no longer verify or open). ' +
        'Omega does not overwrite it.',
      { path },
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refuse('not valid JSON');
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refuse(`unexpected content at "${issue?.path.join('.') ?? ''}" (${issue?.message ?? 'invalid'})`);
  }
  const keys: LoadedKey[] = [];
  const seen = new Set<string>();
  for (const stored of parsed.data.keys) {
    if (seen.has(stored.kid)) throw refuse(`key id ${stored.kid} appears twice`);
    seen.add(stored.kid);
    try {
      keys.push(importKey({ ...stored, jwk: stored.jwk as JWK }));
    } catch (err) {
      throw refuse((err as Error).message);
    }
  }
  for (const kind of KEY_KINDS) {
    const active = keys.filter((k) => k.kind === kind && k.status === 'active').length;
    if (active !== 1) throw refuse(`it has ${active} active ${kind} keys, not exactly one`);
  }
  return keys;
}
