import type { Context } from 'hono';
import { nodeBindings } from './node-bindings.js';

/** The status logged for a request whose client went away before its answer (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * Whether `thrown` is the client dropping the connection mid-request (Node fails the body
 * stream with `Error: aborted`, code ECONNRESET) rather than a fault of the kernel: it must be
 * the request's own error on an unfinished request, so an ECONNRESET from an upstream the handler
 * called (a connection of its own, reset while the body was still unread) stays a server failure.
 */
export function clientClosed(c: Context, thrown: unknown): boolean {
  if ((thrown as { code?: unknown } | null)?.code !== 'ECONNRESET') return false;
  if ((thrown as Error).message !== 'aborted') return false;
  const incoming = nodeBindings(c)?.incoming;
  return incoming ? !incoming.complete : true;
}
