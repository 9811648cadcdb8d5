import { describe, expect, it } from 'vitest';
import { readCookie, refreshCookie, refreshCookieRole } from '../../kernel/auth/refresh-cookie.js';

describe('the refresh cookie the kernel sets around the auth provider', () => {
  it('is HttpOnly, SameSite=Strict, path-scoped, Secure only over HTTPS, and clearable', () => {
    expect(refreshCookie('ort.a.b', '/api/v1/security/refresh', false)).toBe(
      'omega_refresh=ort.a.b; Path=/api/v1/security/refresh; HttpOnly; SameSite=Strict',
    );
    expect(refreshCookie('ort.a.b', '/p', true)).toBe(
      'omega_refresh=ort.a.b; Path=/p; HttpOnly; SameSite=Strict; Secure',
    );
    expect(refreshCookie(null, '/p', true)).toBe(
      'omega_refresh=; Path=/p; HttpOnly; SameSite=Strict; Secure; Max-Age=0',
    );
  });

  it('reads one cookie among others, and knows only the sign-in routes', () => {
    expect(readCookie('a=1; omega_refresh=ort.x.y; b=2', 'omega_refresh')).toBe('ort.x.y');
    expect(readCookie('omega_refreshX=1; omega_refresh=', 'omega_refresh')).toBeUndefined();
    expect(readCookie(undefined, 'omega_refresh')).toBeUndefined();
    expect(refreshCookieRole('POST', '/login')).toBe('issue');
    expect(refreshCookieRole('POST', '/refresh')).toBe('rotate');
    expect(refreshCookieRole('POST', '/refresh/logout')).toBe('revoke');
    expect(refreshCookieRole('GET', '/refresh')).toBeUndefined();
    expect(refreshCookieRole('POST', '/logout')).toBeUndefined();
  });
});
