import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SafeFetchOptions, safeFetch } from '../../kernel/net/index.js';
import { type LocalServer, startServer } from './local-servers.js';

let a: LocalServer;
let b: LocalServer;
const timers: NodeJS.Timeout[] = [];

const BOMB = gzipSync(Buffer.alloc(20 * 1024 * 1024)); // 20 MiB of zeros, ~20 KiB on the wire

beforeAll(async () => {
  b = await startServer({
    '/echo': (req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    },
    '/text': (_req, res) => res.end('from b'),
  });
  a = await startServer({
    '/text': (_req, res) => {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end('héllo');
    },
    '/echo': (req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    },
    '/binary': (_req, res) => {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(Buffer.from([0, 1, 2, 255]));
    },
    '/gzip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(gzipSync('compressed hello'));
    },
    '/br': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'br' });
      res.end(brotliCompressSync('brotli hello'));
    },
    '/bomb': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(BOMB);
    },
    '/endless': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (res.write(chunk)) {}
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    },
    '/big-declared': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
      res.write('x');
    },
    '/hang': () => {},
    '/trickle': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const t = setInterval(() => res.write('.'), 20);
      timers.push(t);
      res.on('close', () => clearInterval(t));
    },
    '/hop': (_req, res) => {
      res.setHeader('connection', 'close, x-secret');
      res.setHeader('keep-alive', 'timeout=5');
      res.setHeader('x-secret', 'connection-scoped');
      res.setHeader('x-custom', 'kept');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end('ok');
    },
    '/to-text': (_req, res) => res.writeHead(302, { location: '/text' }).end(),
    '/to-b': (_req, res) => res.writeHead(302, { location: `${b.origin}/text` }).end(),
    '/to-b-echo': (_req, res) => res.writeHead(307, { location: `${b.origin}/echo` }).end(),
    '/see-other': (_req, res) => res.writeHead(303, { location: '/echo' }).end(),
    '/keep-method': (_req, res) => res.writeHead(307, { location: '/echo' }).end(),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/to-userinfo': (_req, res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${a.port}@evil.example/` }).end(),
    '/to-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
  });
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  await Promise.all([a.close(), b.close()]);
});

/** Options allowing only server a's origin, private addresses allowed (the servers are on loopback). */
const onlyA = (extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({
  allowOrigin: (o) => o === a.origin,
  timeoutMs: 5_000,
  maxBytes: 1024 * 1024,
  allowPrivate: true,
  ...extra,
});

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return (err as { code?: string }).code ?? `uncoded: ${String(err)}`;
  }
};

describe('safeFetch: allowed fetches return plain data', () => {
  it('fetches text', async () => {
    const res = await safeFetch(`${a.origin}/text`, {}, onlyA());
    expect(res).toMatchObject({ status: 200, body: 'héllo', bodyEncoding: 'utf8', redirected: false });
    expect(res.url).toBe(`${a.origin}/text`);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(Object.getPrototypeOf(res.headers)).toBe(Object.prototype);
  });

  it('returns binary bodies as base64', async () => {
    const res = await safeFetch(`${a.origin}/binary`, {}, onlyA());
    expect(res.bodyEncoding).toBe('base64');
    expect(Buffer.from(res.body, 'base64')).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('decodes gzip and br and drops content-encoding', async () => {
    const gz = await safeFetch(`${a.origin}/gzip`, {}, onlyA());
    expect(gz.body).toBe('compressed hello');
    expect(gz.headers['content-encoding']).toBeUndefined();
    const br = await safeFetch(`${a.origin}/br`, {}, onlyA());
    expect(br.body).toBe('brotli hello');
  });

  it('sends method, body and headers, minus hop-by-hop ones; Host is the URL host', async () => {
    const res = await safeFetch(
      `${a.origin}/echo?x=1#frag`,
      {
        method: 'post',
        headers: {
          'X-Plugin': 'yes',
          Connection: 'keep-alive, x-plugin',
          Host: 'evil.example',
          'Transfer-Encoding': 'chunked',
        },
        body: '{"a":1}',
      },
      onlyA(),
    );
    const echo = JSON.parse(res.body);
    expect(echo.method).toBe('POST');
    expect(echo.body).toBe('{"a":1}');
    expect(echo.headers.host).toBe(`127.0.0.1:${a.port}`);
    expect(echo.headers['x-plugin']).toBe('yes');
    expect(echo.headers['transfer-encoding']).toBeUndefined();
    expect(echo.headers['content-length']).toBe('7');
    expect(echo.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(a.seen.at(-1)?.url).toBe('/echo?x=1');
  });

  it('drops hop-by-hop response headers, including those Connection names', async () => {
    const res = await safeFetch(`${a.origin}/hop`, {}, onlyA());
    expect(res.headers['x-custom']).toBe('kept');
    expect(res.headers['set-cookie']).toBe('a=1\nb=2');
    for (const h of ['connection', 'keep-alive', 'x-secret', 'content-length', 'transfer-encoding']) {
      expect(res.headers[h]).toBeUndefined();
    }
  });

  it('checks the canonical origin: IPv4 shorthand is the same origin', async () => {
    const asked: string[] = [];
    const res = await safeFetch(
      `http://127.1:${a.port}/text`,
      {},
      onlyA({
        allowOrigin: (o) => {
          asked.push(o);
          return o === a.origin;
        },
      }),
    );
    expect(res.body).toBe('héllo');
    expect(asked).toEqual([a.origin]);
  });

  it('resolves names once and connects to the pinned address (a second answer cannot rebind it)', async () => {
    const answers = ['127.0.0.1', '127.0.0.2']; // nothing listens on 127.0.0.2
    const resolve = async () => [{ address: answers.shift() ?? '127.0.0.3', family: 4 }];
    const res = await safeFetch(
      `http://rebind.test:${a.port}/echo`,
      {},
      onlyA({ allowOrigin: () => true, resolve }),
    );
    expect(JSON.parse(res.body).headers.host).toBe(`rebind.test:${a.port}`);
    expect(answers).toEqual(['127.0.0.2']);
  });

  it('uses the system resolver by default', async () => {
    const res = await safeFetch(`http://localhost:${a.port}/echo`, {}, onlyA({ allowOrigin: () => true }));
    expect(JSON.parse(res.body).headers.host).toBe(`localhost:${a.port}`);
  });
});

describe('safeFetch: redirects', () => {
  it('follows a same-origin redirect', async () => {
    const res = await safeFetch(`${a.origin}/to-text`, {}, onlyA());
    expect(res).toMatchObject({ status: 200, body: 'héllo', redirected: true, url: `${a.origin}/text` });
  });

  it('refuses a redirect to an origin that is not allowed, without contacting it', async () => {
    const before = b.seen.length;
    expect(await codeOf(safeFetch(`${a.origin}/to-b`, {}, onlyA()))).toBe('OMEGA_ERR_PERM_DENIED');
    expect(b.seen.length).toBe(before);
  });

  it('re-checks the address and port on every hop', async () => {
    const opts = onlyA({ allowOrigin: () => true, forbidPorts: [b.port] });
    expect(await codeOf(safeFetch(`${a.origin}/to-b`, {}, opts))).toBe('OMEGA_ERR_PERM_DENIED');
  });

  it('refuses redirects to userinfo tricks and other schemes', async () => {
    const opts = onlyA({ allowOrigin: () => true });
    expect(await codeOf(safeFetch(`${a.origin}/to-userinfo`, {}, opts))).toBe('OMEGA_ERR_PERM_DENIED');
    expect(await codeOf(safeFetch(`${a.origin}/to-file`, {}, opts))).toBe('OMEGA_ERR_PERM_DENIED');
  });

  it('strips credentials on a cross-origin redirect', async () => {
    const res = await safeFetch(
      `${a.origin}/to-b-echo`,
      { headers: { authorization: 'Bearer secret', cookie: 's=1', 'x-keep': '1' } },
      onlyA({ allowOrigin: () => true }),
    );
    const echo = JSON.parse(res.body);
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers.cookie).toBeUndefined();
    expect(echo.headers['x-keep']).toBe('1');
  });

  it('turns POST into GET on 303 and keeps it on 307', async () => {
    const see = JSON.parse(
      (await safeFetch(`${a.origin}/see-other`, { method: 'POST', body: 'x' }, onlyA())).body,
    );
    expect(see).toMatchObject({ method: 'GET', body: '' });
    const keep = JSON.parse(
      (await safeFetch(`${a.origin}/keep-method`, { method: 'POST', body: 'x' }, onlyA())).body,
    );
    expect(keep).toMatchObject({ method: 'POST', body: 'x' });
  });

  it('stops after maxRedirects', async () => {
    const before = a.seen.length;
    expect(await codeOf(safeFetch(`${a.origin}/loop`, {}, onlyA({ maxRedirects: 2 })))).toBe(
      'OMEGA_ERR_PLUGIN_LIMIT',
    );
    expect(a.seen.length - before).toBe(3);
  });
});

describe('safeFetch: refusals', () => {
  const publicOnly = (extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({
    allowOrigin: () => true,
    timeoutMs: 5_000,
    maxBytes: 1024,
    ...extra,
  });

  it.each([
    () => `http://127.0.0.1:${a.port}/text`,
    () => `http://2130706433:${a.port}/text`,
    () => `http://0177.0.0.1:${a.port}/text`,
    () => `http://0x7f.1:${a.port}/text`,
    () => `http://localhost:${a.port}/text`,
    () => `http://[::1]:${a.port}/text`,
    () => `http://[::ffff:127.0.0.1]:${a.port}/text`,
    () => `http://0.0.0.0:${a.port}/text`,
    () => `http://169.254.169.254/latest/meta-data/`,
    () => `http://10.0.0.1/`,
  ])('refuses a non-public address without allowPrivate: %s', async (url) => {
    const before = a.seen.length;
    expect(await codeOf(safeFetch(url(), {}, publicOnly()))).toBe('OMEGA_ERR_PERM_DENIED');
    expect(a.seen.length).toBe(before);
  });

  it('refuses a name when any of its addresses is not public', async () => {
    const resolve = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    const err = await safeFetch('http://mixed.test/', {}, publicOnly({ resolve })).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'OMEGA_ERR_PERM_DENIED',
      extras: { address: '10.0.0.5', addressClass: 'private' },
    });
  });

  it('refuses a disallowed origin before connecting', async () => {
    const before = a.seen.length;
    expect(await codeOf(safeFetch(`${a.origin}/text`, {}, onlyA({ allowOrigin: () => false })))).toBe(
      'OMEGA_ERR_PERM_DENIED',
    );
    expect(a.seen.length).toBe(before);
  });

  it('refuses the userinfo trick and non-http schemes', async () => {
    const allowA = onlyA();
    expect(await codeOf(safeFetch(`http://${a.origin.slice(7)}@evil.example/`, {}, allowA))).toBe(
      'OMEGA_ERR_PERM_DENIED',
    );
    expect(await codeOf(safeFetch('file:///etc/passwd', {}, allowA))).toBe('OMEGA_ERR_PERM_DENIED');
    expect(await codeOf(safeFetch('not a url', {}, allowA))).toBe('OMEGA_ERR_PERM_DENIED');
  });

  it("refuses the kernel's own ports even with allowPrivate", async () => {
    expect(await codeOf(safeFetch(`${a.origin}/text`, {}, onlyA({ forbidPorts: [a.port] })))).toBe(
      'OMEGA_ERR_PERM_DENIED',
    );
  });

  it('refuses odd methods and bad header values', async () => {
    expect(await codeOf(safeFetch(`${a.origin}/echo`, { method: 'CONNECT' }, onlyA()))).toBe(
      'OMEGA_ERR_VALIDATION',
    );
    expect(
      await codeOf(safeFetch(`${a.origin}/echo`, { headers: { 'x-a': 'a\r\nx-injected: 1' } }, onlyA())),
    ).toBe('OMEGA_ERR_VALIDATION');
  });
});

describe('safeFetch: limits', () => {
  it('caps the decoded size of a gzip bomb', async () => {
    expect(BOMB.length).toBeLessThan(1024 * 1024);
    expect(await codeOf(safeFetch(`${a.origin}/bomb`, {}, onlyA()))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
  });

  it('caps an endless response', async () => {
    expect(await codeOf(safeFetch(`${a.origin}/endless`, {}, onlyA()))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
  });

  it('refuses early when Content-Length is over the cap', async () => {
    expect(await codeOf(safeFetch(`${a.origin}/big-declared`, {}, onlyA()))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
  });

  it('times out a server that never answers, and one that trickles', async () => {
    expect(await codeOf(safeFetch(`${a.origin}/hang`, {}, onlyA({ timeoutMs: 200 })))).toBe(
      'OMEGA_ERR_PLUGIN_TIMEOUT',
    );
    expect(await codeOf(safeFetch(`${a.origin}/trickle`, {}, onlyA({ timeoutMs: 200 })))).toBe(
      'OMEGA_ERR_PLUGIN_TIMEOUT',
    );
  });

  it('reports an unreachable host as OMEGA_ERR_FETCH_FAILED', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/x?token=secret`;
    const err = (await safeFetch(url, {}, onlyA({ allowOrigin: () => true })).catch((e: unknown) => e)) as {
      code: string;
      message: string;
    };
    expect(err.code).toBe('OMEGA_ERR_FETCH_FAILED');
    expect(err.message).not.toContain('secret');
  });
});
