import type { IncomingMessage } from 'node:http';
import { omegaError } from '../errors/index.js';
import { EVENTS_SUBPROTOCOL } from './event-frames.js';

const PREFIX = 'bearer.';

/**
 * Browsers cannot set headers on a WebSocket, so they may send the token as the subprotocol
 * `bearer.<token>` next to `omega.v1`. This moves such a token into an `Authorization: Bearer`
 * header (unless one is present), so the kernel's authenticator reads one place. The token
 * is never echoed back (only `omega.v1` is) and never logged. Offering `bearer.<token>`
 * without `omega.v1` is refused (400): the handshake could not succeed in a browser.
 */
export function normaliseBearer(req: IncomingMessage): void {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return;
  const offered = header.split(',').map((p) => p.trim());
  const token = offered.find((p) => p.startsWith(PREFIX))?.slice(PREFIX.length);
  if (token === undefined) return;
  if (!offered.includes(EVENTS_SUBPROTOCOL)) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `Offer the ${EVENTS_SUBPROTOCOL} subprotocol together with bearer.<token>.`,
      { errors: [{ field: 'Sec-WebSocket-Protocol', message: `${EVENTS_SUBPROTOCOL} not offered` }] },
    );
  }
  if (req.headers.authorization === undefined && token !== '') req.headers.authorization = `Bearer ${token}`;
}
