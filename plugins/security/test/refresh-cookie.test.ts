import { mkdtempSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../../tests/helpers/self-signed-cert.js';
import { removeDir, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import {
  GOOD_PASSWORD,
  startSecurityKernel,
  userWithRoles,
} from '../../../tests/security/security-kernel.js';
import { ensureCommand } from '../../../tests/substrate/ensure-command.js';

const S = '/api/v1/security';
const OPT_IN = { 'x-omega-refresh-cookie': '1' };

/** The value of the refresh cookie a Set-Cookie header sets. */
const readCookie = (header: string | undefined, name: string) =>
  header?.startsWith(`${name}=`) ? header.slice(name.length + 1).split(';')[0] || undefined : undefined;

/**
 * The browser flow of the refresh token: an HttpOnly, SameSite=Strict cookie scoped to the
 * refresh route, set and rotated by the kernel around the security plugin's sign-in routes,
 * usable only with the custom header from the kernel's own origin; the JSON flow stays for the CLI.
 */
describe('refresh token in an HttpOnly cookie (browsers)', () => {
  let k: TempKernel;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    k.api(`${S}${path}`, {
      method: 'POST',
      token: false,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const cookieOf = (res: Response) => readCookie(res.headers.get('set-cookie') ?? undefined, 'omega_refresh');
  const signIn = async () => {
    const res = await post('/login', { username: 'cookie', password: GOOD_PASSWORD }, OPT_IN);
    expect(res.status).toBe(200);
    return res;
  };

  beforeAll(async () => {
    k = await startSecurityKernel();
    await userWithRoles(k, 'cookie', ['viewer']);
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
  });

  it('sets the cookie on sign-in (HttpOnly, SameSite=Strict, path-scoped) and keeps the token out of the body', async () => {
    const res = await signIn();
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^omega_refresh=ort\.[^;]+; Path=\/api\/v1\/security\/refresh; HttpOnly; SameSite=Strict$/,
    );
    // Plain HTTP here: no Secure (a browser would drop it); over HTTPS the kernel adds it
    // (below, 'refresh cookie over HTTPS').
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body.refreshToken).toBeUndefined();
    expect(body.refreshCookie).toBe(true);
    // Without the header (the CLI): the token in the body, no cookie.
    const cli = await post('/login', { username: 'cookie', password: GOOD_PASSWORD });
    expect(cli.headers.get('set-cookie')).toBeNull();
    const pair = (await cli.json()) as { refreshToken: string };
    expect(pair.refreshToken).toMatch(/^ort\./);
    const rotated = await post('/refresh', { refreshToken: pair.refreshToken });
    expect(rotated.status).toBe(200);
    expect(((await rotated.json()) as { refreshToken: string }).refreshToken).toMatch(/^ort\./);
  });

  it('refreshes from the cookie only with the custom header from the same origin (CSRF), rotating it', async () => {
    const first = cookieOf(await signIn())!;
    const cookie = { cookie: `omega_refresh=${first}` };
    const noHeader = await post('/refresh', undefined, cookie);
    expect(noHeader.status).toBe(403);
    expect(((await noHeader.json()) as { code: string }).code).toBe('OMEGA_ERR_FORBIDDEN');
    const crossSite = await post('/refresh', undefined, {
      ...cookie,
      ...OPT_IN,
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const ok = await post('/refresh', undefined, { ...cookie, ...OPT_IN, origin: k.url });
    expect(ok.status).toBe(200);
    const next = cookieOf(ok);
    expect(next).toMatch(/^ort\./);
    expect(next).not.toBe(first);
    const body = (await ok.json()) as Record<string, unknown>;
    expect(body.refreshToken).toBeUndefined();
    expect(await (await k.api(`${S}/me`, { token: body.accessToken as string })).json()).toMatchObject({
      username: 'cookie',
    });
    // The rotated-away cookie presented again: refused, cleared, and the whole session revoked.
    const reused = await post('/refresh', undefined, { ...cookie, ...OPT_IN });
    expect(reused.status).toBe(401);
    expect(reused.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await post('/refresh', undefined, { cookie: `omega_refresh=${next}`, ...OPT_IN })).status).toBe(
      401,
    );
  });

  it('a browser with no cookie (never signed in here) gets 401 on refresh, not a 400 for a body it never sent; its sign-out is done (204)', async () => {
    const res = await post('/refresh', undefined, OPT_IN);
    expect(res.status).toBe(401);
    const p = (await res.json()) as { code: string; detail: string };
    expect(p.code).toBe('OMEGA_ERR_UNAUTHENTICATED');
    expect(p.detail).toContain('sign in');
    const out = await post('/refresh/logout', undefined, OPT_IN);
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^omega_refresh=; .*Max-Age=0/);
    // From another site, neither is answered as if it were the kernel's own page (review: the
    // sign-out's 204 skipped the Origin check a request with the cookie gets).
    for (const path of ['/refresh', '/refresh/logout']) {
      const foreign = await post(path, undefined, { ...OPT_IN, origin: 'https://evil.example' });
      expect([path, foreign.status]).toEqual([path, 403]);
      expect(foreign.headers.get('set-cookie')).toBeNull();
    }
    // A token in the body is still used as it is (the CLI's flow, with or without the header).
    const bodyToken = await post('/refresh', { refreshToken: 'ort.not-a-real-token' }, OPT_IN);
    expect(bodyToken.status).toBe(401);
    expect(((await bodyToken.json()) as { code: string }).code).toBe('OMEGA_ERR_TOKEN_INVALID');
  });

  it('signs a browser out with the cookie under the refresh route, clearing it', async () => {
    const token = cookieOf(await signIn())!;
    const cookie = { cookie: `omega_refresh=${token}`, ...OPT_IN };
    const out = await post('/refresh/logout', undefined, cookie);
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(
      /^omega_refresh=; Path=\/api\/v1\/security\/refresh; .*Max-Age=0/,
    );
    expect((await post('/refresh', undefined, cookie)).status).toBe(401);
  });
});

describe('refresh cookie over HTTPS', () => {
  let k: TempKernel | undefined;
  let skip: string | null = null;
  const certDir = mkdtempSync(join(tmpdir(), 'omega-cookie-tls-'));

  beforeAll(async () => {
    skip = await ensureCommand('openssl', ['version'], 'openssl', (l) =>
      process.stderr.write(`[cookie-tls] ${l}\n`),
    );
    if (skip) return;
    // The user is made over plain HTTP (the helpers use fetch, which refuses a self-signed
    // certificate); the same data dir then serves HTTPS.
    const plain = await startSecurityKernel();
    await userWithRoles(plain, 'tls-cookie', ['viewer']);
    await plain.stop();
    k = await startSecurityKernel({ dataDir: plain.dataDir, tls: selfSignedCert(certDir) });
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(certDir);
  });

  it('marks the cookie Secure when the kernel serves HTTPS', async (ctx) => {
    if (skip || !k) return ctx.skip(`openssl unavailable: ${skip}`);
    expect(k.url).toMatch(/^https:/);
    const body = JSON.stringify({ username: 'tls-cookie', password: GOOD_PASSWORD });
    const setCookie = await new Promise<string | undefined>((resolve, reject) => {
      httpsRequest(
        `${k?.url}${S}/login`,
        {
          method: 'POST',
          rejectUnauthorized: false,
          headers: { 'content-type': 'application/json', ...OPT_IN },
        },
        (res) => {
          res.resume();
          if (res.statusCode !== 200) reject(new Error(`login answered ${res.statusCode}`));
          else resolve(res.headers['set-cookie']?.[0]);
        },
      )
        .on('error', reject)
        .end(body);
    });
    expect(setCookie).toMatch(
      /^omega_refresh=ort\.[^;]+; Path=\/api\/v1\/security\/refresh; HttpOnly; SameSite=Strict; Secure$/,
    );
  });
});
