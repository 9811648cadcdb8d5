import type { IncomingMessage } from 'node:http';
import { omegaError } from '../errors/index.js';

/** RFC 6455 §4.1: the key is 16 random bytes, base64 (24 characters). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Checks what `ws` would check before it upgrades (method, Upgrade, Sec-WebSocket-Key and
 * -Version), so a malformed handshake is refused with problem+json by the kernel instead of
 * `ws`'s bare text/html answer ("Invalid HTTP method").
 */
export function checkHandshake(req: IncomingMessage): void {
  if (req.method !== 'GET') {
    throw omegaError(
      'OMEGA_ERR_METHOD_NOT_ALLOWED',
      `${req.method} is not allowed on the event stream; use GET.`,
      {
        allow: ['GET'],
      },
    );
  }
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
    throw omegaError('OMEGA_ERR_VALIDATION', 'The Upgrade header must be "websocket".', {
      errors: [{ field: 'upgrade', message: 'must be websocket' }],
    });
  }
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !KEY.test(key.trim())) {
    throw omegaError('OMEGA_ERR_VALIDATION', 'Sec-WebSocket-Key must be 16 bytes in base64 (RFC 6455).', {
      errors: [{ field: 'sec-websocket-key', message: 'must be 16 bytes in base64' }],
    });
  }
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') {
    throw omegaError('OMEGA_ERR_VALIDATION', 'Sec-WebSocket-Version must be 13.', {
      errors: [{ field: 'sec-websocket-version', message: 'must be 13' }],
    });
  }
}
