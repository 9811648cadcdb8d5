import { randomBytes } from 'node:crypto';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** Unique per process start; a counter makes each id unique within it without per-request entropy. */
const BOOT = randomBytes(6).toString('base64url');
let counter = 0;

/** Keeps a caller's X-Request-Id when it is safe to echo and log; otherwise makes a new one. */
export function requestIdFrom(incoming: string | undefined): string {
  if (incoming && SAFE_ID.test(incoming)) return incoming;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${BOOT}-${counter.toString(36).padStart(6, '0')}`;
}
