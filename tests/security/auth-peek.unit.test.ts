import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ADMIN_PRINCIPAL,
  type AuthProvider,
  adminTokenAuthenticator,
  createKernelAuth,
  DecisionCache,
  type Principal,
} from '../../kernel/auth/index.js';
import { type KernelCrypto, openCrypto } from '../../kernel/crypto/index.js';
import { CLOCK_TOLERANCE_SEC } from '../../kernel/crypto/jwt.js';
import { createHttpApp, type RequestOutcome } from '../../kernel/http/create-app.js';
import { respond } from '../../kernel/http/respond.js';
import { RouteTable } from '../../kernel/http/route-table.js';
import { createLogger } from '../../kernel/log/index.js';

/**
 * Authentication's synchronous path (Authenticator.peek): a request with a known token is
 * answered from the decision cache without the promise chain, and must answer exactly what
 * authenticate() would: nothing is known before it was verified, nothing after a revocation.
 */
let dir: string;
let crypto: KernelCrypto;
let introspections = 0;
const provider: AuthProvider = {
  name: 'test',
  introspect: async () => {
    introspections++;
    return { active: true };
  },
  resolveApiToken: async () => null,
  resolveAgentKey: async () => null,
  bootstrapStatus: async () => ({ needed: false }),
  armBootstrap: async () => {},
};
const sign = (perms: string[], jti: string) =>
  crypto.signJwt(
    { perms, deny: [], fam: `${jti}~f` },
    { subject: 'u-1', audience: ACCESS_TOKEN_AUDIENCE, expiresInSec: 900, jti },
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omega-peek-'));
  crypto = await openCrypto({ dataDir: dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kernelAuth = (adminToken?: string) =>
  createKernelAuth({
    verifyJwt: (t, o) => crypto.verifyJwt(t, o),
    provider: () => provider,
    ...(adminToken ? { adminToken } : {}),
  });

/**
 * A real HTTP app over `auth`'s authenticator: GET /r needs `things:read`, GET /w
 * `things:write`. Returns a caller that sends `authorization` exactly as given.
 */
function testApp(auth: ReturnType<typeof kernelAuth>, observe?: (o: RequestOutcome) => void) {
  const table = new RouteTable();
  const handler = (_c: unknown, input: { headers: Readonly<Record<string, string>> }) =>
    respond(input, '{"ok":true}', { headers: { 'content-type': 'application/json' } });
  table.add({ method: 'GET', path: '/r', permission: 'things:read', owner: 't', summary: 'r', handler });
  table.add({ method: 'GET', path: '/w', permission: 'things:write', owner: 't', summary: 'w', handler });
  const app = createHttpApp({
    table,
    authenticator: auth.authenticator,
    logger: createLogger({ level: 'silent' }),
    bodyLimitBytes: 1024,
    isStopping: () => false,
    ...(observe ? { observe } : {}),
  });
  return (path: string, authorization: string) =>
    app.fetch(new Request(`http://x${path}`, { headers: { authorization } }));
}

describe('Authenticator.peek', () => {
  it('knows a token only once it was verified, and forgets it on revocation', async () => {
    const auth = kernelAuth();
    const token = await sign(['*:read'], 'jti-peek-1');
    const creds = { bearer: token, headers: {} };
    expect(auth.authenticator.peek?.(creds)).toBeUndefined();
    const verified = await auth.authenticator.authenticate(creds);
    expect(verified?.id).toBe('u-1');
    expect(auth.authenticator.peek?.(creds)).toBe(verified);
    auth.onEvent('security.token.revoked', { tokenId: 'jti-peek-1' });
    expect(auth.authenticator.peek?.(creds)).toBeUndefined();
  });

  it('says "not mine" only for what no authenticator would take, and never decides a signed request', () => {
    const auth = kernelAuth('operator-admin-token-0123456789');
    expect(auth.authenticator.peek?.({ bearer: 'not-a-token', headers: {} })).toBeNull();
    expect(auth.authenticator.peek?.({ bearer: 'operator-admin-token-0123456789', headers: {} })).toBe(
      ADMIN_PRINCIPAL,
    );
    expect(auth.authenticator.peek?.({ bearer: 'omg_unknown', headers: {} })).toBeUndefined();
    expect(auth.authenticator.peek?.({ headers: { 'x-omega-signature': 'sig' } })).toBeUndefined();
  });

  it('an admin token no client could send as a bearer matches nothing', async () => {
    const spaced = adminTokenAuthenticator('has a space in it 0123');
    expect(spaced.peek?.({ bearer: 'has a space in it 0123', headers: {} })).toBeNull();
    expect(await spaced.authenticate({ bearer: 'has a space in it 0123', headers: {} })).toBeNull();
  });
});

describe('decision cache slots', () => {
  const decision = (id: string) => ({
    principal: { id, kind: 'user', permissions: ['*'] } as Principal,
    sub: id,
    credentialId: id,
    expiresAt: Number.MAX_SAFE_INTEGER,
  });
  it('never answers one credential with another that shares its slot', () => {
    const tail = 'x'.repeat(32);
    const c = new DecisionCache();
    c.set(`first-${tail}`, decision('first'), c.generation);
    c.set(`second-${tail}`, decision('second'), c.generation);
    expect(c.get(`first-${tail}`, 0)).toBeUndefined();
    expect(c.get(`second-${tail}`, 0)?.principal.id).toBe('second');
    expect(c.get(`third-${tail}`, 0)).toBeUndefined();
    expect(c.size).toBe(1);
  });
});

describe('a route with a known token', () => {
  it('is served from the cache, and a missing permission is a 403 that is observed', async () => {
    const auth = kernelAuth();
    const outcomes: RequestOutcome[] = [];
    const request = testApp(auth, (o) => outcomes.push(o));
    const token = await sign(['things:read'], 'jti-peek-2');
    const call = (path: string, authorization = `Bearer ${token}`) => request(path, authorization);
    const before = introspections;
    for (let i = 0; i < 5; i++) expect((await call('/r')).status).toBe(200);
    expect(introspections - before).toBe(1);
    const denied = await call('/w');
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-request-id')).toBeTruthy();
    expect(outcomes.filter((o) => o.type === 'authz-denied')).toHaveLength(1);
    // The same token after a malformed scheme is not looked up as sent: the format check decides.
    expect((await call('/r', `Bearer  ${token}`)).status).toBe(200);
    expect((await call('/r', `Bearer ${token} trailing`)).status).toBe(401);
  });
});

describe('a known token found from the Authorization header as sent (Authenticator.known)', () => {
  it('answers exactly what the cache answers for the token, and nothing for a header that differs', async () => {
    const auth = kernelAuth('operator-admin-token-0123456789');
    const token = await sign(['*:read'], 'jti-known-1');
    expect(auth.authenticator.known?.(`Bearer ${token}`)).toBeUndefined();
    const verified = await auth.authenticator.authenticate({ bearer: token, headers: {} });
    expect(auth.authenticator.known?.(`Bearer ${token}`)).toBe(verified);
    for (const other of [
      `Bearer  ${token}`,
      `bearer ${token}`,
      `Bearer ${token} `,
      `Bearer x${token}`,
      `Bearer ${token.slice(1)}`,
      `Basic ${token}`,
      token,
      'Bearer ',
      'Bearer operator-admin-token-0123456789',
    ]) {
      expect(auth.authenticator.known?.(other)).toBeUndefined();
    }
  });

  it('short keys (shorter than a slot) are compared whole too, and expire by one compare', () => {
    const c = new DecisionCache();
    const principal = { id: 'p', kind: 'user', permissions: ['*'] } as Principal;
    c.set('short', { principal, sub: 'p', credentialId: 'p', expiresAt: 10 }, c.generation);
    expect(c.get('short', 0)?.principal).toBe(principal);
    expect(c.getAuthorization('Bearer short', 0)?.principal).toBe(principal);
    for (const other of ['Bearer shor', 'Bearer xshort', 'Bearer  short', 'Bearer ', 'short'])
      expect(c.getAuthorization(other, 0)).toBeUndefined();
    expect(c.getAuthorization('Bearer short', 10)).toBeUndefined();
    expect(c.size).toBe(0);
  });
});

describe('a known token on a route: refused on the very next request once revoked or expired', () => {
  const serve = (auth: ReturnType<typeof kernelAuth>) => {
    const request = testApp(auth);
    return (token: string) => request('/r', `Bearer ${token}`);
  };

  it('a revocation (by token, by family, by user) is heard before the next request is served', async () => {
    // A provider that, like the security plugin, answers inactive for what it revoked.
    const gone = new Set<string>();
    const revoking: AuthProvider = {
      ...provider,
      introspect: async (q) => ({
        active: !gone.has(q.jti) && !gone.has(q.fam ?? '') && !gone.has(q.sub),
      }),
    };
    const auth = createKernelAuth({ verifyJwt: (t, o) => crypto.verifyJwt(t, o), provider: () => revoking });
    const call = serve(auth);
    const events: Array<[string, Record<string, string>, string]> = [
      ['security.token.revoked', { tokenId: 'jti-rev-1' }, 'jti-rev-1'],
      ['security.token.revoked', { family: 'jti-rev-2~f' }, 'jti-rev-2~f'],
      ['security.user.changed', { id: 'u-1' }, 'u-1'],
    ];
    for (const [i, [topic, data, name]] of events.entries()) {
      const token = await sign(['things:read'], `jti-rev-${i + 1}`);
      expect((await call(token)).status).toBe(200);
      expect((await call(token)).status).toBe(200);
      expect(auth.authenticator.known?.(`Bearer ${token}`)).toBeDefined();
      gone.add(name);
      auth.onEvent(topic, data);
      expect(auth.authenticator.known?.(`Bearer ${token}`)).toBeUndefined();
      expect(auth.authenticator.peek?.({ bearer: token, headers: {} })).toBeUndefined();
      const res = await call(token);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('OMEGA_ERR_TOKEN_INVALID');
    }
  });

  it('an expired token is not served from the cache after its exp, and refused once the verifier says so', async () => {
    let verified = 0;
    // Only the clock moves (Date, faked before the kernel's auth reads it): the kernel's code and
    // the real verifier run as they are.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const auth = createKernelAuth({
        verifyJwt: (t, o) => {
          verified++;
          return crypto.verifyJwt(t, o);
        },
        provider: () => provider,
      });
      const call = serve(auth);
      const token = await crypto.signJwt(
        { perms: ['things:read'], deny: [], fam: 'short~f' },
        { subject: 'u-1', audience: ACCESS_TOKEN_AUDIENCE, expiresInSec: 60, jti: 'jti-short' },
      );
      const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
      expect((await call(token)).status).toBe(200);
      expect((await call(token)).status).toBe(200);
      expect(verified).toBe(1);
      vi.setSystemTime(exp * 1000);
      expect(auth.authenticator.known?.(`Bearer ${token}`)).toBeUndefined();
      expect(auth.authenticator.peek?.({ bearer: token, headers: {} })).toBeUndefined();
      // Within the verifier's clock tolerance it is verified again, never answered from the cache.
      expect((await call(token)).status).toBe(200);
      expect(verified).toBe(2);
      vi.setSystemTime((exp + CLOCK_TOLERANCE_SEC + 1) * 1000);
      const res = await call(token);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('OMEGA_ERR_TOKEN_EXPIRED');
      expect(verified).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the decision cache under hostile tokens', () => {
  it('keeps nothing for tokens that fail verification, and stays within its bound for verified ones', async () => {
    const auth = kernelAuth();
    const token = await sign(['things:read'], 'jti-hostile');
    const [head, body] = token.split('.') as [string, string, string];
    for (let i = 0; i < 200; i++) {
      // the real header and claims with a forged signature, and random JWT-shaped junk
      const forged = `${head}.${body}.${Buffer.from(`forged-${i}-${'x'.repeat(60)}`).toString('base64url')}`;
      await expect(auth.authenticator.authenticate({ bearer: forged, headers: {} })).rejects.toMatchObject({
        code: 'OMEGA_ERR_TOKEN_INVALID',
      });
      expect(auth.authenticator.known?.(`Bearer ${forged}`)).toBeUndefined();
      await expect(
        auth.authenticator.authenticate({ bearer: `eyJ${i}.e30.${'A'.repeat(86)}`, headers: {} }),
      ).rejects.toMatchObject({ code: 'OMEGA_ERR_TOKEN_INVALID' });
    }
    expect(auth.cache.size).toBe(0);
    const bounded = new DecisionCache(3);
    for (let i = 0; i < 10; i++) {
      const principal = { id: `p${i}`, kind: 'user', permissions: [] } as Principal;
      bounded.set(
        `key-${i}-${'k'.repeat(20)}-${i}`,
        { principal, sub: 'p', credentialId: `c${i}`, expiresAt: 99 },
        0,
      );
    }
    expect(bounded.size).toBe(3);
    expect(bounded.get(`key-9-${'k'.repeat(20)}-9`, 0)?.principal.id).toBe('p9');
    expect(bounded.get(`key-0-${'k'.repeat(20)}-0`, 0)).toBeUndefined();
  });
});
