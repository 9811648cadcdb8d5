import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import {
  call,
  GOOD_PASSWORD,
  startSecurityKernel,
  userWithRoles,
} from '../../../tests/security/security-kernel.js';

const LOGIN = '/api/v1/security/login';

describe('sign-in abuse: lockout with back-off, per-source limit, no user enumeration', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startSecurityKernel();
    await userWithRoles(k, 'mallory-target', ['viewer']);
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
  });

  const attempt = (username: string, password: string) =>
    call(k, 'POST', LOGIN, { username, password }, false);

  it('locks an account after 5 failures, even for the right password, and answers unknown users alike', async () => {
    const known: Array<[number, string]> = [];
    const unknown: Array<[number, string]> = [];
    for (let i = 0; i < 6; i++) {
      const a = await attempt('mallory-target', 'wrong password 000');
      known.push([a.status, a.body.code]);
      const b = await attempt('nobody-here', 'wrong password 000');
      unknown.push([b.status, b.body.code]);
    }
    const expected: Array<[number, string]> = [
      ...Array.from({ length: 5 }, (): [number, string] => [401, 'OMEGA_ERR_UNAUTHENTICATED']),
      [429, 'OMEGA_ERR_RATE_LIMITED'],
    ];
    expect(known).toEqual(expected);
    expect(unknown).toEqual(expected);
    const locked = await attempt('mallory-target', GOOD_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Same words for a wrong password and an unknown user.
    const a = await attempt('another-unknown', 'x');
    const b = await attempt('mallory-target-2', 'x');
    expect(a.body.detail).toBe(b.body.detail);

    const audit = await call(k, 'GET', '/api/v1/security/audit?action=auth.login&outcome=failure&limit=1000');
    expect(audit.body.items.length).toBeGreaterThanOrEqual(10);
    expect(audit.body.items.every((e: { source?: string }) => e.source === '127.0.0.1')).toBe(true);
    const denied = await call(k, 'GET', '/api/v1/security/audit?action=auth.login&outcome=denied');
    expect(
      denied.body.items.some((e: { details: { reason: string } }) => e.details.reason === 'account locked'),
    ).toBe(true);
  });

  it('answers a name no user can have as an unknown user (not a plugin failure)', async () => {
    // Storage refuses ids with control characters, and past 256 characters (İ lower-cases to two).
    const r = await attempt('\u0001admin', 'wrong password 000');
    expect([r.status, r.body.code]).toEqual([401, 'OMEGA_ERR_UNAUTHENTICATED']);
    for (const name of ['\u0001admin', 'İ'.repeat(200)]) {
      const q = await call(k, 'GET', `/api/v1/security/users?username=${encodeURIComponent(name)}`);
      expect([q.status, q.body.items], name.slice(0, 8)).toEqual([200, []]);
    }
  });

  it('limits sign-in attempts per source address', async () => {
    let limited: Awaited<ReturnType<typeof attempt>> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await attempt(`spray-${i}`, 'wrong password 000');
      if (r.status === 429) limited = r;
    }
    expect(limited?.body.code).toBe('OMEGA_ERR_RATE_LIMITED');
    expect(limited?.body.detail).toMatch(/address/);
  });
});
