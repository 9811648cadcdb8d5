import { type HttpError, httpError, invalid } from '../errors/http-error.js';

/** What a version conflict names: `The settings` (plural: "are … read them"), `Node n1` ("is … read it"). */
export interface VersionedName {
  readonly name: string;
  readonly plural?: boolean;
}

/** The settings of a plugin (`StoredSettings`), as {@link settingsWriteBody} names them. */
export const SETTINGS: VersionedName = { name: 'The settings', plural: true };

/**
 * The 409 OMEGA_ERR_CONFLICT for a write based on version `sent` of a record now at `current`:
 * the detail says both and what to do, `version` carries the current one, so the client reads
 * again and retries.
 */
export function versionConflict(current: number, sent: number, what: VersionedName = SETTINGS): HttpError {
  const [is, it] = what.plural ? ['are', 'them'] : ['is', 'it'];
  return httpError(
    409,
    'OMEGA_ERR_CONFLICT',
    `${what.name} ${is} at version ${current}, not ${sent}: read ${it} again and retry.`,
    { version: current },
  );
}

/**
 * Checks the optional `version` a client sent with a write (the version it read): absent, nothing;
 * not an integer ≥ 0, a 400 naming `version`; not `current`, the {@link versionConflict} 409.
 */
export function checkWriteVersion(sent: unknown, current: number, what: VersionedName = SETTINGS): void {
  if (sent === undefined) return;
  if (typeof sent !== 'number' || !Number.isInteger(sent) || sent < 0)
    throw invalid([{ field: 'version', message: 'must be the version you read (an integer)' }]);
  if (sent !== current) throw versionConflict(current, sent, what);
}
