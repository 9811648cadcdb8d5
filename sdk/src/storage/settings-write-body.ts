import { bodyObject } from '../http/body-object.js';
import { checkWriteVersion } from './check-write-version.js';

/**
 * The body of a write to a plugin's settings (`PUT`/`PATCH …/settings`), checked alike in every
 * plugin: a JSON object (else a 400 naming `body`) whose optional `version` is the one the client
 * read — not an integer ≥ 0: a 400 naming `version`; not the stored record's (`settings.version`,
 * a `StoredSettings`'): a 409 OMEGA_ERR_CONFLICT with the current `version`, so the client
 * reads again and retries. Answers the body, typed as the route's schema types it.
 *
 * @example
 * const body = settingsWriteBody(req, rt.settings); // then merge, save(next, by, rt.settings.version)
 */
export function settingsWriteBody<B>(
  req: { readonly body: B },
  settings: { readonly version: number },
): Exclude<B, null | undefined> & { version?: number } {
  const body = bodyObject(req);
  checkWriteVersion(body.version, settings.version);
  return body as Exclude<B, null | undefined> & { version?: number };
}
