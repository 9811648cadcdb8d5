import { OmegaError, omegaError } from '../errors/index.js';

/** The OMEGA_ERR_STORAGE_CORRUPT raised for a file that cannot be read back. */
export function corruptFile(file: string, reason: string): OmegaError {
  return omegaError(
    'OMEGA_ERR_STORAGE_CORRUPT',
    `Storage file ${file} is corrupt (${reason}). Restore it from a backup, or move it aside ` +
      `(e.g. rename it to ${file}.corrupt) to start that store empty. Omega has not modified it.`,
    { file, reason },
  );
}

/** The errno code of a failed fs call (`ENOSPC`, `EIO`, …), or undefined. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** True when `err` says the disk or the user's disk quota is full. */
export function isDiskFull(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * The coded error for a write that did not reach the disk: OMEGA_ERR_STORAGE_FULL (507) when
 * the disk or quota is full, else OMEGA_ERR_STORAGE_IO. `what` names the store, never a host
 * path (the message may reach API clients); an OmegaError passes through unchanged.
 */
export function writeFailed(err: unknown, what: string, extras: Record<string, unknown> = {}): OmegaError {
  if (err instanceof OmegaError) return err;
  const errno = errnoOf(err) ?? 'unknown error';
  if (isDiskFull(err)) {
    return new OmegaError(
      'OMEGA_ERR_STORAGE_FULL',
      `${what}: the disk holding the data directory is full (${errno}), so the change was not saved. ` +
        'Free space on that disk; writes work again without a restart.',
      { ...extras, errno },
      { cause: err },
    );
  }
  return new OmegaError(
    'OMEGA_ERR_STORAGE_IO',
    `${what} failed (${errno}); the change was not saved. Check the data directory's disk and permissions.`,
    { ...extras, errno },
    { cause: err },
  );
}
