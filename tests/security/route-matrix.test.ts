import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_AUDIENCE, hasPermission, type Principal } from '../../kernel/auth/index.js';
import { openCrypto } from '../../kernel/crypto/index.js';
import { removeDir, type TempKernel } from '../helpers/temp-kernel.js';
import { call, startSecurityKernel, userWithRoles } from './security-kernel.js';

interface Op {
  method: string;
  path: string;
  permission: string;
  websocket: boolean;
  hasBody: boolean;
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const partsOf = (jwt: string) => jwt.split('.') as [string, string, string];

describe('every route of the OpenAPI document × every kind of credential', () => {
  let k: TempKernel;
  let ops: Op[];
  const tokens: Record<string, string | false> = {};
  const roles: Record<string, Principal> = {};
  let otherKeyDir: string;

  beforeAll(async () => {
    k = await startSecurityKernel();
    const admin = await userWithRoles(k, 'matrix-admin', ['admin']);
    const operator = await userWithRoles(k, 'matrix-operator', ['operator']);
    const viewer = await userWithRoles(k, 'matrix-viewer', ['viewer']);
    const revoked = await userWithRoles(k, 'matrix-revoked', ['admin']);
    expect(
      (await call(k, 'POST', '/api/v1/security/logout', { refreshToken: revoked.refreshToken }, false))
        .status,
    ).toBe(204);

    const claims = JSON.parse(Buffer.from(partsOf(admin.accessToken)[1], 'base64url').toString());
    const custom = { perms: claims.perms, deny: claims.deny, fam: claims.fam, name: claims.name };
    const opts = { subject: admin.id, audience: ACCESS_TOKEN_AUDIENCE, jti: 'matrix-expired-0001' };
    // Expired: signed by the kernel's own key an hour ago (the clock is moved for the one call).
    const realNow = Date.now;
    Date.now = () => realNow() - 3_600_000;
    const expiring = k.kernel.crypto.signJwt(custom, { ...opts, expiresInSec: 900 });
    Date.now = realNow;
    otherKeyDir = mkdtempSync(join(tmpdir(), 'omega-other-key-'));
    const other = await openCrypto({ dataDir: otherKeyDir });
    const [h, p, s] = partsOf(admin.accessToken);
    const tamperedPayload = b64({ ...claims, perms: ['*'], sub: 'someone-else' });
    Object.assign(tokens, {
      none: false,
      expired: await expiring,
      tampered: `${h}.${tamperedPayload}.${s}`,
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
      otherKey: await other.signJwt(custom, { ...opts, jti: 'matrix-other-0001', expiresInSec: 900 }),
      revoked: revoked.accessToken,
      viewer: viewer.accessToken,
      operator: operator.accessToken,
      admin: admin.accessToken,
    });
    const list = (await call(k, 'GET', '/api/v1/security/roles', undefined, admin.accessToken)).body
      .items as Array<{
      name: string;
      permissions: string[];
      denied: string[];
    }>;
    for (const r of list)
      roles[r.name] = { id: r.name, kind: 'user', permissions: r.permissions, denied: r.denied };
    // The expected answers below are derived from these roles, so pin the built-ins here: a
    // server that widened or emptied a role must fail, not silently move the expectations with it.
    const pick = (name: string) => ({
      permissions: roles[name]?.permissions,
      denied: roles[name]?.denied,
    });
    const securityDenied = ['security:read', 'security:write', 'security:admin'];
    expect(pick('admin')).toEqual({ permissions: ['*'], denied: [] });
    expect(pick('operator')).toEqual({
      permissions: ['*:read', '*:write', 'events:subscribe', 'events:publish', 'security:self'],
      denied: securityDenied,
    });
    expect(pick('viewer')).toEqual({
      permissions: ['*:read', 'events:subscribe', 'security:self'],
      denied: securityDenied,
    });

    const doc = (await call(k, 'GET', '/api/v1/openapi.json', undefined, false)).body;
    ops = [];
    for (const [path, methods] of Object.entries(
      doc.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      for (const [method, op] of Object.entries(methods)) {
        ops.push({
          method: method.toUpperCase(),
          path: path.replace(/\{[^}]+\}/g, 'matrix-probe'),
          permission: String(op['x-omega-permission']),
          websocket: op['x-omega-websocket'] === true,
          hasBody: op.requestBody !== undefined,
        });
      }
    }
    // Routes that revoke the caller's own sessions go last, so they cannot spoil the others.
    ops.sort((a, b) => Number(a.path.endsWith('/logout-all')) - Number(b.path.endsWith('/logout-all')));
  });

  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (otherKeyDir) removeDir(otherKeyDir);
  });

  it('answers 401 / 403 / 2xx exactly as each route declares', async () => {
    const cases = Object.keys(tokens);
    const mismatches: string[] = [];
    let checked = 0;
    for (const op of ops) {
      const statuses: Record<string, number> = {};
      for (const name of cases) {
        const res = await k.api(op.path, {
          method: op.method,
          token: tokens[name]!,
          ...(op.hasBody ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
        });
        await res.arrayBuffer();
        statuses[name] = res.status;
        checked++;
      }
      const where = `${op.method} ${op.path} (${op.permission})`;
      if (op.permission === 'public') {
        // Credentials play no part: the same answer whatever is sent.
        if (new Set(Object.values(statuses)).size !== 1)
          mismatches.push(`${where}: ${JSON.stringify(statuses)}`);
        continue;
      }
      for (const bad of ['none', 'expired', 'tampered', 'algNone', 'otherKey', 'revoked']) {
        if (statuses[bad] !== 401) mismatches.push(`${where} with ${bad}: ${statuses[bad]} (want 401)`);
      }
      for (const role of ['viewer', 'operator', 'admin']) {
        const allowed = hasPermission(roles[role]!, op.permission);
        const got = statuses[role]!;
        if (!allowed && got !== 403) mismatches.push(`${where} as ${role}: ${got} (want 403)`);
        if (allowed && (got === 401 || got === 403))
          mismatches.push(`${where} as ${role}: ${got} (want access)`);
        const plainGet = op.method === 'GET' && !op.path.includes('matrix-probe') && !op.websocket;
        if (allowed && plainGet && (got < 200 || got > 299))
          mismatches.push(`${where} as ${role}: ${got} (want 2xx)`);
      }
    }
    expect(mismatches).toEqual([]);
    // The matrix is what the issue asks for: every route × 9 credentials.
    expect(checked).toBe(ops.length * 9);
    expect(ops.length).toBeGreaterThanOrEqual(40);
    console.log(`route matrix: ${ops.length} routes × ${cases.length} credentials = ${checked} requests`);
  });

  it('the viewer may read the cluster but not security data; the operator may not administer plugins', () => {
    expect(hasPermission(roles.viewer!, 'kernel:read')).toBe(true);
    expect(hasPermission(roles.viewer!, 'security:read')).toBe(false);
    expect(hasPermission(roles.operator!, 'events:publish')).toBe(true);
    expect(hasPermission(roles.operator!, 'plugins:admin')).toBe(false);
    expect(hasPermission(roles.admin!, 'security:admin')).toBe(true);
  });
});
