import { type OmegaError, omegaError } from '@omega/protocol';

/** The signed roles of a marketplace, plus the two things a release brings: its statement and artifact. */
export type TrustRole = 'root' | 'timestamp' | 'index' | 'release' | 'artifact';

/** Where a check happened: the source, the role, and the plugin version concerned (if any). */
export interface TrustContext {
  source: string;
  role: TrustRole;
  plugin?: string;
  version?: string;
}

/** Why a document or artifact was refused (stable; tests and clients branch on it). */
export type UntrustedReason =
  | 'malformed'
  | 'signature-threshold'
  | 'expired'
  | 'rollback'
  | 'version-mismatch'
  | 'hash-mismatch'
  | 'length-mismatch'
  | 'not-publisher'
  | 'manifest-mismatch'
  | 'wrong-type';

const where = (ctx: TrustContext): string =>
  `${ctx.role}${ctx.plugin ? ` of ${ctx.plugin}${ctx.version ? `@${ctx.version}` : ''}` : ''} from ${ctx.source}`;

/**
 * OMEGA_ERR_MARKETPLACE_UNTRUSTED naming the source, role, plugin, version and what was
 * expected against what was found; `extras` carries the same fields for clients.
 */
export function untrusted(
  ctx: TrustContext,
  reason: UntrustedReason,
  what: string,
  expected: unknown,
  actual: unknown,
): OmegaError {
  return trustError('OMEGA_ERR_MARKETPLACE_UNTRUSTED', ctx, reason, what, expected, actual);
}

/** Why a download failed (OMEGA_ERR_MARKETPLACE_DOWNLOAD). */
export type DownloadReason =
  | 'too-large'
  | 'not-found'
  | 'http-status'
  | 'unreachable'
  | 'bad-path'
  | 'timeout'
  | 'stalled'
  | 'interrupted';

/** OMEGA_ERR_MARKETPLACE_DOWNLOAD with the same named fields as {@link untrusted}. */
export function downloadFailed(
  ctx: TrustContext,
  reason: DownloadReason,
  what: string,
  expected: unknown,
  actual: unknown,
): OmegaError {
  return trustError('OMEGA_ERR_MARKETPLACE_DOWNLOAD', ctx, reason, what, expected, actual);
}

function trustError(
  code: 'OMEGA_ERR_MARKETPLACE_UNTRUSTED' | 'OMEGA_ERR_MARKETPLACE_DOWNLOAD',
  ctx: TrustContext,
  reason: string,
  what: string,
  expected: unknown,
  actual: unknown,
): OmegaError {
  return omegaError(
    code,
    `Refused the ${where(ctx)}: ${what} (expected ${String(expected)}, got ${String(actual)}).`,
    {
      source: ctx.source,
      role: ctx.role,
      ...(ctx.plugin ? { plugin: ctx.plugin } : {}),
      ...(ctx.version ? { version: ctx.version } : {}),
      reason,
      expected: String(expected),
      actual: String(actual),
    },
  );
}
