import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Authenticator,
  adminTokenAuthenticator,
  chainAuthenticators,
  PUBLIC,
} from '../../kernel/auth/index.js';
import { omegaError } from '../../kernel/errors/index.js';
import { createHttpApp, type RequestOutcome } from '../../kernel/http/create-app.js';
import { defineRoute } from '../../kernel/http/route.js';
import { RouteTable } from '../../kernel/http/route-table.js';
import { createLogger } from '../../kernel/log/index.js';

const TOKEN = 'test-admin-token-0123456789';
const lines: string[] = [];
const logger = createLogger({
  level: 'info',
  destination: new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  }) as never,
});

const viewer: Authenticator = {
  authenticate: async ({ bearer }) =>
    bearer === 'viewer-token' ? { id: 'v', kind: 'user', permissions: ['widgets:read'] } : null,
};

function setup(bodyLimitBytes = 1024) {
  const table = new RouteTable();
  const outcomes: RequestOutcome[] = [];
  table.add(
    defineRoute({
      method: 'GET',
      path: '/api/v1/open',
      permission: PUBLIC,
      owner: 'kernel',
      summary: 'open',
      handler: (c) => c.json({ ok: true }),
    }),
  );
  table.add(
    defineRoute({
      method: 'GET',
      path: '/api/v1/widgets/:id',
      permission: 'widgets:read',
      owner: 'kernel',
      summary: 'read',
      handler: (c) => c.json({ id: c.req.param('id') }),
    }),
  );
  table.add(
    defineRoute({
      method: 'POST',
      path: '/api/v1/widgets',
      permission: 'widgets:write',
      owner: 'kernel',
      summary: 'write',
      body: z.object({ name: z.string().min(1), size: z.number().int() }).strict(),
      handler: (c, { body }) => c.json(body, 201),
    }),
  );
  table.add(
    defineRoute({
      method: 'GET',
      path: '/api/v1/boom',
      permission: PUBLIC,
      owner: 'kernel',
      summary: 'boom',
      handler: () => {
        throw new Error('secret internals /etc/passwd');
      },
    }),
  );
  table.add(
    defineRoute({
      method: 'GET',
      path: '/api/v1/conflict',
      permission: PUBLIC,
      owner: 'kernel',
      summary: 'c',
      handler: () => {
        throw omegaError('OMEGA_ERR_CONFLICT', 'stale', { expected: 1, actual: 2 });
      },
    }),
  );
  const app = createHttpApp({
    table,
    authenticator: chainAuthenticators([adminTokenAuthenticator(TOKEN), viewer]),
    logger,
    bodyLimitBytes,
    isStopping: () => false,
    observe: (o) => outcomes.push(o),
  });
  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    return app.fetch(new Request(`http://x${path}`, { ...init, headers }));
  };
  return { table, app, call, outcomes };
}

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as Record<string, unknown>;
}

describe('http app', () => {
  it('serves public routes and tags every response with a request id', async () => {
    const { call } = setup();
    const res = await call('/api/v1/open', { headers: { 'x-request-id': 'abc12345-trace' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('abc12345-trace');
    const other = await call('/api/v1/open', { headers: { 'x-request-id': 'bad id\twith tab' } });
    expect(other.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{8}-[0-9a-z]{6,}$/);
  });

  it('401 without or with a wrong token, 403 without the permission, 200 with it', async () => {
    const { call } = setup();
    const none = await call('/api/v1/widgets/w1');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await problem(none)).code).toBe('OMEGA_ERR_UNAUTHENTICATED');
    expect((await call('/api/v1/widgets/w1', { token: 'nope' })).status).toBe(401);
    const forbidden = await call('/api/v1/widgets', {
      method: 'POST',
      token: 'viewer-token',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(forbidden.status).toBe(403);
    expect(await problem(forbidden)).toMatchObject({
      code: 'OMEGA_ERR_FORBIDDEN',
      permission: 'widgets:write',
    });
    expect(await (await call('/api/v1/widgets/w1', { token: 'viewer-token' })).json()).toEqual({ id: 'w1' });
    expect((await call('/api/v1/widgets/w1', { token: TOKEN })).status).toBe(200);
  });

  it('404 for unknown routes, 405 with Allow for a known path with another method', async () => {
    const { call } = setup();
    const nf = await call('/api/v1/nope');
    expect(nf.status).toBe(404);
    expect(await problem(nf)).toMatchObject({ code: 'OMEGA_ERR_NOT_FOUND', instance: '/api/v1/nope' });
    const na = await call('/api/v1/widgets/w1', { method: 'DELETE', token: TOKEN });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('GET, HEAD');
    expect((await problem(na)).code).toBe('OMEGA_ERR_METHOD_NOT_ALLOWED');
  });

  it('400 for malformed JSON, 415 for another content type, 413 past the limit, 400 naming bad fields', async () => {
    const { call } = setup(64);
    const post = (body: string, type = 'application/json') =>
      call('/api/v1/widgets', { method: 'POST', token: TOKEN, body, headers: { 'content-type': type } });
    expect(await problem(await post('{"name":'))).toMatchObject({ status: 400, code: 'OMEGA_ERR_BAD_JSON' });
    expect(await problem(await post('{}', 'text/plain'))).toMatchObject({
      status: 415,
      code: 'OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await problem(await post(JSON.stringify({ name: 'x'.repeat(100), size: 1 })))).toMatchObject({
      status: 413,
    });
    // Streaming body without Content-Length is capped too.
    const stream = new ReadableStream({
      start(ctl) {
        for (let i = 0; i < 10; i++) ctl.enqueue(new TextEncoder().encode('{"name":"aaaaaaaaaaaaaaaa"}'));
        ctl.close();
      },
    });
    const streamed = await call('/api/v1/widgets', {
      method: 'POST',
      token: TOKEN,
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const invalid = await problem(await post(JSON.stringify({ name: '', size: 1.5, extra: 1 })));
    expect(invalid.code).toBe('OMEGA_ERR_VALIDATION');
    const fields = (invalid.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['(body)', 'name', 'size']);
    const ok = await post(JSON.stringify({ name: 'w', size: 2 }));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ name: 'w', size: 2 });
  });

  it('415 for a compressed body or another charset, 400 for a lone surrogate; a pair and UTF-8 pass', async () => {
    const { call } = setup(1024);
    const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
      call('/api/v1/widgets', {
        method: 'POST',
        token: TOKEN,
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
    const json = JSON.stringify({ name: 'w', size: 2 });
    for (const headers of <Array<Record<string, string>>>[
      { 'content-encoding': 'gzip' }, // a plain body said to be gzip was taken as it is
      { 'content-encoding': ' Deflate ' },
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json;charset="utf-16"' },
    ])
      expect(await problem(await post(json, headers))).toMatchObject({
        status: 415,
        code: 'OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE',
      });
    for (const text of [
      '{"name":"\\ud800","size":2}',
      '{"name":"a\\udc00b","size":2}',
      '{"name":"w","size":2,"\\ud83d":1}',
    ])
      expect(await problem(await post(text))).toMatchObject({ status: 400, code: 'OMEGA_ERR_BAD_JSON' });
    for (const [text, name] of [
      ['{"name":"\\ud83d\\ude00","size":2}', '\u{1F600}'],
      ['{"name":"\\\\ud800","size":2}', '\\ud800'], // an escaped backslash, not an escape
      [JSON.stringify({ name: 'é😀', size: 2 }), 'é😀'],
    ]) {
      const ok = await post(text as string, {
        'content-encoding': 'identity',
        'content-type': 'application/json; charset=UTF-8',
      });
      expect(ok.status).toBe(201);
      expect(((await ok.json()) as { name: string }).name).toBe(name);
    }
  });

  it('refuses a body nested deeper than the limit before parsing it', async () => {
    const { call } = setup(1 << 20);
    const res = await call('/api/v1/widgets', {
      method: 'POST',
      token: TOKEN,
      body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(await problem(res)).toMatchObject({ status: 400, code: 'OMEGA_ERR_BAD_JSON' });
  });

  it('never leaks an unexpected error to the client, but logs it with the request id', async () => {
    const { call } = setup();
    const res = await call('/api/v1/boom');
    const body = await problem(res);
    expect(body).toMatchObject({
      status: 500,
      code: 'OMEGA_ERR_INTERNAL',
      detail: 'An unexpected error occurred.',
    });
    expect(JSON.stringify(body)).not.toContain('passwd');
    expect(JSON.stringify(body)).not.toContain('at ');
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.some((l) => l.includes(String(body.requestId)) && l.includes('request failed'))).toBe(true);
  });

  it('maps coded errors to their status with extras', async () => {
    const { call } = setup();
    expect(await problem(await call('/api/v1/conflict'))).toMatchObject({
      status: 409,
      code: 'OMEGA_ERR_CONFLICT',
      expected: 1,
      actual: 2,
    });
  });

  it('malformed percent-encoding is a 400, not a 500', async () => {
    const { call } = setup();
    const res = await call('/api/v1/widgets/%E0%A4%A', { token: TOKEN });
    expect(res.status).toBeLessThan(500);
  });

  it('routes added and removed at run time take effect on the next request', async () => {
    const { table, call } = setup();
    const undo = table.add(
      defineRoute({
        method: 'GET',
        path: '/api/v1/late',
        permission: PUBLIC,
        owner: 'p',
        summary: 'late',
        handler: (c) => c.text('here'),
      }),
    );
    expect(await (await call('/api/v1/late')).text()).toBe('here');
    undo();
    expect((await call('/api/v1/late')).status).toBe(404);
  });

  it('refuses a duplicate route', () => {
    const { table } = setup();
    expect(() =>
      table.add(
        defineRoute({
          method: 'GET',
          path: '/api/v1/open',
          permission: PUBLIC,
          owner: 'p',
          summary: 'dup',
          handler: (c) => c.text(''),
        }),
      ),
    ).toThrow(/collides/);
    // Parameter names do not make a different route.
    expect(() =>
      table.add(
        defineRoute({
          method: 'GET',
          path: '/api/v1/widgets/:name',
          permission: PUBLIC,
          owner: 'p',
          summary: 'shadow',
          handler: (c) => c.text(''),
        }),
      ),
    ).toThrow(/collides with GET \/api\/v1\/widgets\/:id of kernel/);
  });

  it('answers OPTIONS on a known path with 204 and Allow, without credentials', async () => {
    const { call } = setup();
    const res = await call('/api/v1/widgets/w1', { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await call('/api/v1/nope', { method: 'OPTIONS' })).status).toBe(404);
  });

  it('answers HEAD on a GET route as GET would, with the kernel headers and no body', async () => {
    const { call } = setup();
    const res = await call('/api/v1/open', { method: 'HEAD', headers: { 'x-request-id': 'head1234-trace' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('head1234-trace');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('');
    expect((await call('/api/v1/nope', { method: 'HEAD' })).status).toBe(404);
  });

  it('treats a trailing slash as another path (404, not 405)', async () => {
    const { call } = setup();
    expect((await call('/api/v1/open/')).status).toBe(404);
  });

  it('reports a change for audit only on routes that declare it, with only the declared details', async () => {
    const { table, call, outcomes } = setup();
    table.add(
      defineRoute({
        method: 'POST',
        path: '/api/v1/things/:name/grant',
        permission: 'things:admin',
        owner: 'kernel',
        summary: 'audited',
        body: z.object({ scope: z.string(), password: z.string() }),
        audit: { topic: 'things.admin.grant', details: ({ body }) => ({ scope: body.scope }) },
        handler: (c) => c.json({}, 200),
      }),
    );
    const post = (path: string, body: unknown) =>
      call(path, {
        method: 'POST',
        token: TOKEN,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    expect((await post('/api/v1/widgets', { name: 'w', size: 1 })).status).toBe(201);
    expect(outcomes.filter((o) => o.type === 'changed')).toEqual([]);
    expect((await post('/api/v1/things/t1/grant', { scope: 's', password: 'hunter2-hunter2' })).status).toBe(
      200,
    );
    const changed = outcomes.filter((o) => o.type === 'changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      topic: 'things.admin.grant',
      params: { name: 't1' },
      details: { scope: 's' },
    });
    expect(JSON.stringify(changed)).not.toContain('hunter2');
  });

  it('answers a problem when auditing an async answer throws (no hono catch around the promise)', async () => {
    const table = new RouteTable();
    table.add(
      defineRoute({
        method: 'DELETE',
        path: '/api/v1/things/:name',
        permission: PUBLIC,
        owner: 'kernel',
        summary: 'audited, async',
        audit: { topic: 'things.deleted' },
        handler: async (c) => c.json({ deleted: true }),
      }),
    );
    const app = createHttpApp({
      table,
      authenticator: adminTokenAuthenticator(TOKEN),
      logger,
      bodyLimitBytes: 1024,
      isStopping: () => false,
      observe: (o) => {
        if (o.type === 'changed') throw new Error('bus closed');
      },
    });
    const res = await app.fetch(new Request('http://x/api/v1/things/t1', { method: 'DELETE' }));
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await problem(res)).toMatchObject({ code: 'OMEGA_ERR_INTERNAL' });
  });

  it('never writes a bearer token into the access log', async () => {
    const { call } = setup();
    await call('/api/v1/widgets/w1', { token: TOKEN });
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.join('')).not.toContain(TOKEN);
  });
});
