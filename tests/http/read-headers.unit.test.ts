import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { readHeader, readHeaders } from '../../kernel/http/node-bindings.js';

const NAMES = ['accept', 'content-type', 'user-agent', 'if-match', 'authorization'] as const;

/** Sends raw header lines (repeats kept as sent) to a real @hono/node-server and returns what the route read. */
async function readOver(
  rawHeaders: string[],
): Promise<{ all: Record<string, string>; one: Record<string, string> }> {
  const app = new Hono();
  app.get('/h', (c) => {
    const all: Record<string, string> = { seed: 'kept' };
    readHeaders(c, NAMES, all);
    const one: Record<string, string> = {};
    for (const n of NAMES) {
      const v = readHeader(c, n);
      if (v !== undefined) one[n] = v;
    }
    return c.json({ all, one });
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => server.once('listening', () => r()));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/h', method: 'GET', headers: rawHeaders },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => {
            text += d.toString();
          });
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(JSON.parse(text))
              : reject(new Error(`${res.statusCode}: ${text}`)),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

describe('readHeaders (the headers a plugin route forwards, read in one pass)', () => {
  it('reads each header as readHeader does: repeats Node keeps once are joined, absent ones left out', async () => {
    const got = await readOver([
      'Host',
      '127.0.0.1',
      'Accept',
      'a/b',
      'Accept',
      'c/d',
      'Content-Type',
      'application/json',
      'content-type',
      'text/html',
      'User-Agent',
      'probe',
      'Authorization',
      'Bearer x',
    ]);
    expect(got.all).toEqual({ seed: 'kept', ...got.one });
    expect(got.all['content-type']).toBe('application/json, text/html');
    expect(got.all.accept).toBe('a/b, c/d');
    expect(got.all['if-match']).toBeUndefined();
  });
});
