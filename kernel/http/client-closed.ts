import type { Context } from 'hono';
import { nodeBindings } from './node-bindings.js';

/** The status logged for a request whose client went away before its answer (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * Whether `thrown` is the client dropping the connection mid-request (Node fails the body
 * stream with `Error: aborted`, code ECONNRESET) rather than a fault of the kernel: the
 * request itself must be unfinished, so an ECONNRESET from an upstream the handler called
 * stays a server failure.
 */
export function clientClosed(c: Context, thrown: unknown): boolean {
  if ((thrown as { code?: unknown } | null)?.code !== 'ECONNRESET') return false;
  const incoming = nodeBindings(c)?.incoming;
  return incoming ? !incoming.complete : (thrown as Error).message === 'aborted';
}
