import { request } from 'node:http';
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientClosed } from '../../kernel/http/client-closed.js';

/** A context as the kernel's listeners give it: Node's request pair in `env`. */
const contextOf = (complete: boolean) =>
  ({ env: { incoming: { complete }, outgoing: {} } }) as unknown as Context;

/** The error Node fails an outbound request with when its peer resets it ("socket hang up", ECONNRESET). */
async function upstreamReset(): Promise<Error> {
  const { createServer } = await import('node:net');
  const server = createServer((s) => s.resetAndDestroy());
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const { port } = server.address() as { port: number };
    return await new Promise<Error>((resolve) => {
      request({ host: '127.0.0.1', port }).on('error', resolve).end();
    });
  } finally {
    server.close();
  }
}

describe('clientClosed: the client went away, not the kernel failing', () => {
  const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });

  it("is the request's own 'aborted' on an unfinished request", () => {
    expect(clientClosed(contextOf(false), aborted)).toBe(true);
    expect(clientClosed(contextOf(true), aborted)).toBe(false);
  });

  it('is not an ECONNRESET of a connection the handler made itself (found by review)', async () => {
    const upstream = await upstreamReset();
    expect((upstream as { code?: string }).code).toBe('ECONNRESET');
    expect(clientClosed(contextOf(false), upstream)).toBe(false);
  });
});
