import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../src/connection/open-session.js';
import { hasAgentErrorCode } from '../../src/errors/index.js';
import { generateIdentity } from '../../src/identity/agent-identity.js';
import type { AgentSpecs } from '../../src/specs/agent-specs.js';

/*
 * Found by a newcomer walk: the agent printed `write EPROTO …:error:0A00010B:SSL
 * routines:ssl3_get_record:wrong version number:../deps/openssl/…` for an https URL to a plain
 * kernel, and `Unexpected server response: 404` for a server that is no kernel. Real sockets.
 */
describe('the agent says what is wrong when it cannot reach a kernel', () => {
  let http: Server;
  let base = '';
  let freePort = 0;
  beforeAll(async () => {
    // 404 for any path but /busy, which answers as a kernel stopping does (503)
    http = createServer((req, res) =>
      req.url?.startsWith('/busy') ? res.writeHead(503).end() : res.writeHead(404).end('not here'),
    );
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `127.0.0.1:${(http.address() as { port: number }).port}`;
    // a port that was free a moment ago: nothing listens there
    const probe = createTcpServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    freePort = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
  });
  afterAll(async () => {
    await new Promise<void>((r) => http.close(() => r()));
  });

  const failure = async (server: string): Promise<string> => {
    try {
      await openSession({
        server,
        identity: generateIdentity(),
        // never sent: the connection fails before the hello
        hello: {
          mode: 'join',
          token: 'omg-join.test.token',
          name: 't',
          specs: {} as AgentSpecs,
          agentVersion: '0.0.0',
        },
        timeoutMs: 5000,
      });
    } catch (err) {
      expect(hasAgentErrorCode(err) && err.code).toBe('OMEGA_ERR_AGENT_UNREACHABLE');
      return (err as Error).message;
    }
    throw new Error('connected');
  };

  it.each([
    [
      'a server that is no kernel',
      () => `http://${base}`,
      /answered HTTP 404, not the agent WebSocket: check that --server names an Omega kernel/,
    ],
    [
      // review: a kernel stopping (503) or with too many handshakes pending (429) is a kernel
      'a kernel that is stopping',
      () => `http://${base}/busy`,
      /is busy or stopping \(HTTP 503\): the kernel takes the agent once it can/,
    ],
    [
      'https to a plain-http port',
      () => `https://${base}`,
      /does not speak TLS on that port: use http:\/\/ in --server/,
    ],
    [
      'a port nothing listens on',
      () => `http://127.0.0.1:${freePort}`,
      /nothing listens at 127\.0\.0\.1:\d+: is the kernel running/,
    ],
  ])('%s: one line saying what to check', async (_what, server, expected) => {
    const message = await failure(server());
    expect(message).toMatch(expected);
    expect(message).not.toMatch(/\n|openssl|Unexpected server response/i);
  });
});
