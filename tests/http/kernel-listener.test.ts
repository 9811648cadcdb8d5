import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightRequest } from '../../kernel/http/light-request.js';
import { type RunningServer, startServer } from '../../kernel/http/serve.js';
import { createLogger } from '../../kernel/log/index.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw request to the server (the Host header as given), and its reply. */
function send(
  port: number,
  path: string,
  opts: { method?: string; host?: string; agent?: Agent; abortAfterMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: opts.host ?? `127.0.0.1:${port}` },
        agent: opts.agent ?? false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
    if (opts.abortAfterMs !== undefined) setTimeout(() => req.destroy(), opts.abortAfterMs);
  });
}

describe("the kernel's listener", () => {
  let server: RunningServer;
  /** Whether each path's handler got the kernel listener's own request (the direct path). */
  const direct = new Map<string, boolean>();
  let aborted: Promise<string> | undefined;
  const app = new Hono();
  const note = (c: { req: { raw: Request; path: string } }) => {
    direct.set(c.req.path, c.req.raw instanceof LightRequest);
  };
  app.get('/a', (c) => {
    note(c);
    return new Response(`hello ${c.req.query('q') ?? ''}`, {
      status: 201,
      headers: { 'content-type': 'text/plain', 'x-one': '1' },
    });
  });
  app.get('/later', async (c) => {
    note(c);
    await new Promise((r) => setTimeout(r, 5));
    return new Response('later', { headers: { 'content-type': 'text/plain' } });
  });
  app.get('/stream', (c) => {
    note(c);
    return new Response(
      new ReadableStream({
        start(ctl) {
          ctl.enqueue(new TextEncoder().encode('streamed'));
          ctl.close();
        },
      }),
    );
  });
  app.get('/empty', (c) => {
    note(c);
    return new Response(null, { status: 204 });
  });
  app.get('/frozen', (c) => {
    note(c);
    return new Response('x', { headers: Object.freeze({ 'content-type': 'text/plain' }) });
  });
  app.get('/bad-header', (c) => {
    note(c);
    return new Response('x', { headers: { 'x-bad': 'a\nb' } });
  });
  app.get('/held', (c) => {
    note(c);
    const signal = c.req.raw.signal;
    aborted = new Promise((r) => signal.addEventListener('abort', () => r(String(signal.reason))));
    return new Promise<Response>((r) => setTimeout(() => r(new Response('too late')), 300));
  });
  app.onError(() => new Response('failed', { status: 500 }));
  /** A fetch that throws, rejects or resolves to no Response before any handler: each a 500. */
  const fetch = (req: Request, env?: unknown) => {
    const path = new URL(req.url).pathname;
    if (path === '/throws') throw new Error('boom');
    if (path === '/rejects') return Promise.reject(new Error('no'));
    if (path === '/no-response') return Promise.resolve(null as unknown as Response);
    return app.fetch(req, env as never);
  };

  beforeAll(async () => {
    const logger = createLogger({
      level: 'fatal',
      destination: new Writable({ write: (_c, _e, cb) => cb() }) as never,
    });
    server = await startServer({ fetch, host: '127.0.0.1', port: 0, logger });
  });
  afterAll(async () => {
    await server.close(1000);
  });

  it('answers a plain GET itself, as @hono/node-server would', async () => {
    const mine = await send(server.port, '/a?q=x');
    expect(direct.get('/a')).toBe(true);
    // The same route reached through @hono/node-server (a target URL rewrites: `/./a`).
    const theirs = await send(server.port, '/./a?q=x');
    expect(direct.get('/a')).toBe(false);
    expect(mine.status).toBe(201);
    expect(mine.body).toBe('hello x');
    expect(mine.headers['content-length']).toBe('7');
    expect(mine.headers['x-one']).toBe('1');
    const strip = (h: Reply['headers']) => {
      const { date: _d, ...rest } = h;
      return rest;
    };
    expect(strip(mine.headers)).toEqual(strip(theirs.headers));
    expect(mine.body).toBe(theirs.body);
  });

  it('writes an answer that came as a promise', async () => {
    const r = await send(server.port, '/later');
    expect(direct.get('/later')).toBe(true);
    expect([r.status, r.body, r.headers['content-length']]).toEqual([200, 'later', '5']);
  });

  it('hands a stream or an empty body to @hono/node-server to write', async () => {
    const s = await send(server.port, '/stream');
    expect(direct.get('/stream')).toBe(true);
    expect([s.status, s.body]).toEqual([200, 'streamed']);
    const e = await send(server.port, '/empty');
    expect([e.status, e.body]).toEqual([204, '']);
  });

  it('fails as @hono/node-server does: a throwing fetch, a rejected answer, a header Node refuses', async () => {
    expect((await send(server.port, '/throws')).status).toBe(500);
    expect((await send(server.port, '/rejects')).status).toBe(500);
    // Thrown while writing (found by review): no answer at all, and headers it cannot add to.
    expect((await send(server.port, '/no-response')).status).toBe(500);
    expect((await send(server.port, '/frozen')).status).toBe(500);
    expect(direct.get('/frozen')).toBe(true);
    const bad = await send(server.port, '/bad-header');
    expect(direct.get('/bad-header')).toBe(true);
    expect(bad.status).toBe(500);
  });

  it('leaves dot segments, other methods, HEAD and refused hosts to @hono/node-server', async () => {
    const dots = await send(server.port, '/b/../a');
    expect([dots.status, dots.body]).toEqual([201, 'hello ']);
    expect(direct.get('/a')).toBe(false);
    const head = await send(server.port, '/a', { method: 'HEAD' });
    expect([head.status, head.body]).toEqual([201, '']);
    expect((await send(server.port, '/a', { method: 'POST' })).status).toBe(404);
    expect((await send(server.port, '/a', { host: 'user@evil.example' })).status).toBe(400);
  });

  it('keeps a connection alive across answers', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      agent.on('free', (socket) => sockets.add(socket));
      for (const p of ['/a', '/later', '/a'])
        expect((await send(server.port, p, { agent })).status).toBeLessThan(300);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it("aborts the request's signal when the client goes away first", async () => {
    await expect(send(server.port, '/held', { abortAfterMs: 50 })).rejects.toThrow();
    expect(direct.get('/held')).toBe(true);
    // Node marks the request errored ("aborted"), which becomes the reason, as under @hono/node-server.
    expect(await aborted).toMatch(/aborted|prematurely closed/);
  });
});

describe("the kernel listener's request", () => {
  it("is a Request like @hono/node-server's: instanceof, the same members, shown by inspect", async () => {
    const seen = new Map<string, { raw: Request; isRequest: boolean }>();
    const app = new Hono();
    app.get('/r', (c) => {
      seen.set(c.req.raw instanceof LightRequest ? 'mine' : 'theirs', {
        raw: c.req.raw,
        isRequest: c.req.raw instanceof Request,
      });
      return new Response('ok');
    });
    const logger = createLogger({
      level: 'fatal',
      destination: new Writable({ write: (_c, _e, cb) => cb() }) as never,
    });
    const s = await startServer({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger });
    try {
      await send(s.port, '/r');
      await send(s.port, '/./r'); // @hono/node-server's request
    } finally {
      await s.close(1000);
    }
    const mine = seen.get('mine')!;
    const theirs = seen.get('theirs')!;
    expect([mine.isRequest, theirs.isRequest]).toEqual([true, true]);
    expect(inspect(mine.raw)).toContain('/r');
    // Every string-named member their lightweight request defines, ours defines too.
    const members = (o: object) =>
      Object.getOwnPropertyNames(o)
        .filter((n) => n !== 'constructor')
        .sort();
    const theirNames = members(Object.getPrototypeOf(theirs.raw));
    expect(theirNames.length).toBeGreaterThan(10);
    expect(members(LightRequest.prototype)).toEqual(expect.arrayContaining(theirNames));
  });
});
