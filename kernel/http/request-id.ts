import { randomBytes } from 'node:crypto';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Keeps a caller's X-Request-Id when it is safe to echo and log; otherwise makes a new one. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming && SAFE_ID.test(incoming) ? incoming : randomBytes(12).toString('base64url');
}
