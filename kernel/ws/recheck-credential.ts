import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import type { BusEvent } from '../bus/index.js';
import { ERROR_CODES, hasErrorCode } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { EventsClient } from './serve-events-client.js';

/** Close code: the stream's credential expired or was revoked (sign in again, then reconnect). */
export const CLOSE_CREDENTIAL = 4401;
/** Close code: the principal may no longer subscribe to one of the stream's patterns. */
export const CLOSE_FORBIDDEN = 4403;
/** Close code (1013, try again later): the credential could not be checked for several pings. */
export const CLOSE_UNCHECKED = 1013;
/** Checks in a row that may fail (the auth provider is down) before the stream is closed. */
export const MAX_FAILED_CHECKS = 3;
/**
 * Streams whose credential is checked at once; the others wait for a free place. Every stream's
 * check started in the same ping tick: at 10,000 streams with cold caches, 10,000 questions to the
 * auth provider at once (last note).
 */
export const RECHECKS_AT_ONCE = 16;

/** What of an upgrade request authenticates it. */
export type UpgradeCredentials = Pick<IncomingMessage, 'headers'> & {
  socket: Pick<IncomingMessage['socket'], 'remoteAddress'>;
};

/** What {@link credentialRecheck} asks, as the gateway asked at the upgrade. */
export interface RecheckOptions {
  authenticate: (req: UpgradeCredentials) => Promise<unknown | null>;
  authorize?: (principal: unknown, patterns: string[]) => Promise<string | null>;
  filterFor?: (principal: unknown) => ((event: BusEvent) => boolean) | undefined;
  logger: Logger;
}

/** A refusal of the credential itself (revoked, expired: a 401), as opposed to a check that could not be made. */
const refusesCredential = (err: unknown): boolean =>
  hasErrorCode(err) && ERROR_CODES[err.code].status === 401;

/**
 * A stream was authorized once, at the upgrade, and then stayed open whatever became of its
 * credential: a revoked or expired token, a disabled user, a role taken away, the admin-token file
 * dropped once an auth provider runs (review). The returned check, run at every ping, authenticates
 * and authorizes the upgrade's credential again (a cache hit for a live token): one that no longer
 * authenticates closes the stream with 4401, one that may no longer subscribe with 4403, and the
 * event filter follows the principal's rights. A check that cannot be made (the provider is down)
 * keeps the stream, but not for ever: after {@link MAX_FAILED_CHECKS} in a row it closes with 1013
 * (a reconnect is then checked as any upgrade is). Only the Authorization header is kept. The
 * check resolves when done and never rejects; one still running when asked again is not doubled.
 */
export function credentialRecheck(
  client: EventsClient,
  req: IncomingMessage,
  patterns: string[],
  o: RecheckOptions,
): () => Promise<void> {
  const credentials: UpgradeCredentials = {
    headers: { authorization: req.headers.authorization },
    socket: { remoteAddress: req.socket.remoteAddress },
  };
  const remote = credentials.socket.remoteAddress;
  let running = false;
  let failed = 0;
  let last: unknown;
  const open = () => client.ws.readyState === WebSocket.OPEN;
  const close = (code: number, reason: string, why: string, extra: Record<string, unknown> = {}) => {
    if (!open()) return;
    o.logger.info({ remote, ...extra }, why);
    client.shutdown(code, reason);
  };
  const check = async (): Promise<void> => {
    let principal: unknown;
    try {
      principal = await o.authenticate(credentials);
    } catch (err) {
      if (!refusesCredential(err)) throw err;
      principal = null;
    }
    failed = 0;
    if (principal === null || principal === undefined)
      return close(
        CLOSE_CREDENTIAL,
        'credential expired or revoked',
        'events client closed: its credential no longer authenticates',
      );
    const denied = o.authorize ? await o.authorize(principal, patterns) : null;
    if (denied !== null && denied !== undefined)
      return close(
        CLOSE_FORBIDDEN,
        `may no longer subscribe to ${denied}`.slice(0, 120),
        'events client closed: it may no longer subscribe',
        { pattern: denied },
      );
    // A cache hit answers the same principal: its filter stands.
    if (principal !== last) client.refilter(o.filterFor?.(principal));
    last = principal;
  };
  return () => {
    if (running || !open()) return Promise.resolve();
    running = true;
    return check()
      .catch((err: unknown) => {
        failed++;
        if (failed >= MAX_FAILED_CHECKS)
          close(
            CLOSE_UNCHECKED,
            'credential cannot be checked now',
            'events client closed: its credential could not be checked',
            {
              checks: failed,
              code: hasErrorCode(err) ? err.code : undefined,
            },
          );
        else
          o.logger.debug(
            { err, checks: failed },
            'events client credential check failed; kept until the next',
          );
      })
      .finally(() => {
        running = false;
      });
  };
}
