import { createHash, randomBytes } from 'node:crypto';
import type { AuthProvider } from './auth-provider.js';

/** Bootstrap secrets are at least this long, so a configured one cannot be guessed either. */
export const BOOTSTRAP_SECRET_MIN_CHARS = 24;

/** Options of {@link armBootstrap}. */
export interface ArmBootstrapOptions {
  /** A secret the operator chose (`OMEGA_BOOTSTRAP_SECRET`); otherwise one is generated. */
  secret?: string;
  /** Where a generated secret is shown: stdout, never the JSON log. */
  print: (text: string) => void;
  /** The kernel's URL, for the command the banner shows. */
  url: string;
}

/**
 * When the provider has no user yet, arms a one-time bootstrap secret: the provider stores
 * only its SHA-256 and accepts it once, to create the first admin
 * (`POST /api/v1/security/bootstrap`). A generated secret is printed once, to `print`; a new
 * one replaces it on every start until a user exists. Returns what happened.
 */
export async function armBootstrap(
  provider: AuthProvider,
  opts: ArmBootstrapOptions,
): Promise<'not-needed' | 'configured' | 'generated'> {
  const { needed } = await provider.bootstrapStatus();
  if (!needed) return 'not-needed';
  const configured = opts.secret !== undefined && opts.secret.length >= BOOTSTRAP_SECRET_MIN_CHARS;
  const secret = configured ? opts.secret! : `omega-bootstrap-${randomBytes(24).toString('base64url')}`;
  await provider.armBootstrap(createHash('sha256').update(secret).digest('hex'));
  if (configured) return 'configured';
  opts.print(
    [
      '',
      '  Omega has no users yet. One-time bootstrap secret (shown once, valid until the first admin exists):',
      `    ${secret}`,
      `  Create the first admin:  curl -X POST ${opts.url}/api/v1/security/bootstrap \\`,
      `    -H 'content-type: application/json' \\`,
      `    -d '{"secret":"${secret}","username":"admin","password":"<12+ characters>"}'`,
      '',
    ].join('\n'),
  );
  return 'generated';
}
