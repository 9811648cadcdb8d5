import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Context, Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLoneAuthorization } from '../../kernel/http/node-bindings.js';

/*
 * readLoneAuthorization decides which requests may take the known-token path (authorizeKnown):
 * only one Authorization header, as sent, and no request signature, whatever the names' case.
 * Anything else must go to the full check, so it answers undefined. Node's own server hands the
 * request over as @hono/node-server does (c.env.incoming), without replacing the global Request
 * (the unit project shares its globals between files).
 */

const server = createServer((incoming, outgoing) => {
  const c = new Context(new Request('http://127.0.0.1/h'), { env: { incoming, outgoing } });
  outgoing.end(JSON.stringify({ value: readLoneAuthorization(c) ?? null }));
});
let port: number;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.close();
});

/** What the route read, over a real Node server, with the raw header lines sent as given (repeats kept). */
function readOver(rawHeaders: string[]): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/h', method: 'GET', headers: ['Host', '127.0.0.1', ...rawHeaders] },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => resolve((JSON.parse(text) as { value: string | null }).value));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('readLoneAuthorization over Node', () => {
  it('answers the one Authorization header as sent, whatever the case of its name', async () => {
    expect(await readOver(['Authorization', 'Bearer abc.def'])).toBe('Bearer abc.def');
    expect(await readOver(['authorization', 'Bearer abc.def'])).toBe('Bearer abc.def');
    expect(await readOver(['AuThOrIzAtIoN', 'Bearer abc.def'])).toBe('Bearer abc.def');
    expect(await readOver(['Accept', 'a/b'])).toBeNull();
  });

  it('answers nothing for a repeated Authorization (ambiguous), in any mix of cases', async () => {
    expect(await readOver(['Authorization', 'Bearer a', 'Authorization', 'Bearer a'])).toBeNull();
    expect(await readOver(['Authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b'])).toBeNull();
  });

  it('answers nothing for a signed request, before or after the Authorization, in any case', async () => {
    expect(await readOver(['Authorization', 'Bearer a', 'X-Omega-Signature', 's'])).toBeNull();
    expect(await readOver(['x-omega-signature', 's', 'Authorization', 'Bearer a'])).toBeNull();
    expect(await readOver(['Authorization', 'Bearer a', 'X-OMEGA-signature', 's'])).toBeNull();
  });

  it('is not fooled by names of the same length', async () => {
    // 13 and 17 characters, like the two names it looks for.
    expect(await readOver(['Authorizatiom', 'Bearer x', 'Authorization', 'Bearer a'])).toBe('Bearer a');
    expect(await readOver(['X-Omega-Signaturf', 's', 'Authorization', 'Bearer a'])).toBe('Bearer a');
  });
});

describe('readLoneAuthorization without Node (app.fetch)', () => {
  const app = new Hono();
  app.get('/h', (c) => c.json({ value: readLoneAuthorization(c) ?? null }));
  const read = async (headers: [string, string][]) =>
    ((await (await app.fetch(new Request('http://x/h', { headers }))).json()) as { value: string | null })
      .value;

  it('reads the fetch headers the same way', async () => {
    expect(await read([['authorization', 'Bearer a']])).toBe('Bearer a');
    expect(
      await read([
        ['authorization', 'Bearer a'],
        ['authorization', 'Bearer b'],
      ]),
    ).toBeNull();
    expect(
      await read([
        ['authorization', 'Bearer a'],
        ['x-omega-signature', 's'],
      ]),
    ).toBeNull();
    expect(await read([])).toBeNull();
  });
});
