import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_COOKIE, REFRESH_COOKIE_HEADER } from '../../kernel/auth/refresh-cookie.js';
import { removeDir, type TempKernel } from '../helpers/temp-kernel.js';
import { call, GOOD_PASSWORD, startSecurityKernel } from './security-kernel.js';

/*
 * The kernel's refresh-cookie bridge around the auth provider's sign-in routes, over plain HTTP
 * against a real kernel with the security plugin (the dashboard's Chromium test covers the same
 * from a browser): the token moves between the JSON body the plugin sees and an HttpOnly cookie
 * only when the client opts in with the custom header, only from the kernel's own origin, and a
 * refused or signed-out cookie is cleared.
 */

const OPT_IN = { [REFRESH_COOKIE_HEADER]: '1' };

/** The refresh cookie's value in a Set-Cookie header ('' when it clears it), undefined without one. */
function cookieIn(res: Response): string | undefined {
  const set = res.headers.get('set-cookie');
  if (set === null) return undefined;
  const m = new RegExp(`^${REFRESH_COOKIE}=([^;]*)`).exec(set);
  return m?.[1];
}

describe('the refresh cookie around the auth provider', () => {
  let k: TempKernel;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    k.api(`/api/v1/security${path}`, {
      method: 'POST',
      token: false,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });

  beforeAll(async () => {
    k = await startSecurityKernel();
    const made = await call(k, 'POST', '/api/v1/security/users', {
      username: 'ops',
      password: GOOD_PASSWORD,
      roles: ['admin'],
    });
    expect(made.status).toBe(201);
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
  });

  const signIn = (headers: Record<string, string> = {}) =>
    post('/login', { username: 'ops', password: GOOD_PASSWORD }, headers);

  it('leaves a client that does not opt in with the token in the body and no cookie', async () => {
    const res = await signIn();
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(typeof ((await res.json()) as { refreshToken?: unknown }).refreshToken).toBe('string');
  });

  it('moves the token into an HttpOnly cookie on sign-in, rotates it, and clears a refused one', async () => {
    const login = await signIn(OPT_IN);
    expect(login.status).toBe(200);
    const first = cookieIn(login);
    expect(first).toMatch(/.+/);
    expect(login.headers.get('set-cookie')).toContain('HttpOnly');
    expect(login.headers.get('set-cookie')).toContain(`Path=/api/v1/security/refresh`);
    const body = (await login.json()) as Record<string, unknown>;
    expect(body.refreshToken).toBeUndefined();
    expect(body.refreshCookie).toBe(true);
    expect(typeof body.accessToken).toBe('string');

    // Without the header, or from another origin, the cookie is refused (a cross-site request).
    const cookie = { cookie: `${REFRESH_COOKIE}=${first}` };
    expect((await post('/refresh', {}, cookie)).status).toBe(403);
    const foreign = await post('/refresh', {}, { ...cookie, ...OPT_IN, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);

    const rotated = await post('/refresh', {}, { ...cookie, ...OPT_IN, origin: k.url });
    expect(rotated.status).toBe(200);
    const second = cookieIn(rotated);
    expect(second).toMatch(/.+/);
    expect(second).not.toBe(first);
    expect(((await rotated.json()) as Record<string, unknown>).refreshToken).toBeUndefined();

    // The old cookie is refused now, and the kernel tells the browser to drop it.
    const reused = await post('/refresh', {}, { ...cookie, ...OPT_IN });
    expect(reused.status).toBe(401);
    expect(cookieIn(reused)).toBe('');
  });

  it('clears the cookie on sign-out', async () => {
    const token = cookieIn(await signIn(OPT_IN));
    const out = await post('/refresh/logout', {}, { cookie: `${REFRESH_COOKIE}=${token}`, ...OPT_IN });
    expect(out.status).toBeLessThan(300);
    expect(cookieIn(out)).toBe('');
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
  });
});
