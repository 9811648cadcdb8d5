import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../kernel/config/index.js';
import { type Kernel, startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';
import { DeclaredSchemas, expectDocumented } from '../helpers/declared-schemas.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { GOOD_PASSWORD, securityPluginsDir } from './security-kernel.js';

const PLUGIN_DIR = join(import.meta.dirname, '..', '..', 'plugins', 'security');
const S = '/api/v1/security';
// biome-ignore lint/suspicious/noExplicitAny: tests read API bodies loosely and assert their shape
type Doc = Record<string, any>;

/**
 * The security plugin's route schemas on a real kernel (no static admin token: the first admin
 * comes from the bootstrap secret): a bad request is refused 400 naming the field before the
 * plugin runs, wrong credentials are answered by the plugin exactly as before, every real answer
 * fits the response schema its route declares (compiled from dist/plugin.json with ajv), and the
 * OpenAPI document carries the schemas for every operation.
 */
describe('security route schemas: enforced, true to the answers, documented', () => {
  let kernel: Kernel;
  let dataDir: string;
  let pluginsDir: string;
  let schemas: DeclaredSchemas;
  let admin: string;
  const printed: string[] = [];
  const send = async (method: string, path: string, body?: unknown, token: string | false = admin) => {
    const res = await fetch(`${kernel.url}${S}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Doc };
  };
  /** A request and the answer checked against its route's declared response schema. */
  const fits = async (
    handler: string,
    method: string,
    path: string,
    body?: unknown,
    token?: string | false,
  ) => {
    const res = await send(method, path, body, token);
    schemas.expectDeclared(handler, res);
    return res;
  };

  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    schemas = new DeclaredSchemas(join(PLUGIN_DIR, 'dist', 'plugin.json'));
    dataDir = mkdtempSync(join(tmpdir(), 'omega-sec-schemas-'));
    kernel = await startKernel(
      parseConfig({
        port: 0,
        dataDir,
        log: { level: 'silent' },
        plugins: { dirs: [pluginsDir], warmHosts: 0 },
      }),
      { logger: createLogger({ level: 'silent' }), print: (t) => printed.push(t) },
    );
  }, 120_000);
  afterAll(async () => {
    await kernel?.stop();
    if (dataDir) removeDir(dataDir);
    if (pluginsDir) removeDir(pluginsDir);
  });

  it('answers the public sign-in routes as their schemas say, wrong credentials exactly as before', async () => {
    const secret = /omega-bootstrap-[A-Za-z0-9_-]{20,}/.exec(printed.join('\n'))?.[0];
    expect(secret).toBeDefined();
    const bad = await send(
      'POST',
      '/bootstrap',
      { secret, username: 'bad name', password: 'x', more: 1 },
      false,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Doc) => e.field).sort()).toEqual(['more', 'username']);
    const root = await fits(
      'bootstrap',
      'POST',
      '/bootstrap',
      { secret, username: 'root', password: GOOD_PASSWORD },
      false,
    );
    expect(root.status).toBe(201);
    const login = await fits('login', 'POST', '/login', { username: 'root', password: GOOD_PASSWORD }, false);
    admin = login.body.accessToken as string;
    const rotated = await fits(
      'refresh',
      'POST',
      '/refresh',
      { refreshToken: login.body.refreshToken },
      false,
    );
    // Wrong credentials reach the plugin and get its answers, unchanged.
    for (const username of ['root', 'nobody-here']) {
      const wrong = await send('POST', '/login', { username, password: 'wrong password 000' }, false);
      expect([wrong.status, wrong.body.code, wrong.body.detail]).toEqual([
        401,
        'OMEGA_ERR_UNAUTHENTICATED',
        'Wrong username or password.',
      ]);
    }
    for (const refreshToken of [login.body.refreshToken, 'ort.garbage', 'x'.repeat(600)]) {
      const stale = await send('POST', '/refresh', { refreshToken }, false);
      expect([stale.status, stale.body.code]).toEqual([401, 'OMEGA_ERR_TOKEN_INVALID']);
    }
    // The reuse revoked the family: sign in again, and out with the token.
    const again = await send('POST', '/login', { username: 'root', password: GOOD_PASSWORD }, false);
    admin = again.body.accessToken as string;
    expect(rotated.body.refreshToken).not.toBe(again.body.refreshToken);
    const out = await fits('logout', 'POST', '/logout', { refreshToken: again.body.refreshToken }, false);
    expect(out.status).toBe(204);
    admin = (await send('POST', '/login', { username: 'root', password: GOOD_PASSWORD }, false)).body
      .accessToken as string;
  });

  it('refuses a bad body, query or path parameter with a 400 naming each field; nothing changes', async () => {
    const cases: Array<[string, string, unknown, string[], (string | false)?]> = [
      ['POST', '/login', { username: '', password: 'x' }, ['username'], false],
      ['POST', '/login', { username: 'root' }, ['password'], false],
      ['POST', '/login', 'root', ['(body)'], false],
      ['POST', '/refresh', { refreshToken: 5 }, ['refreshToken'], false],
      ['POST', '/refresh/logout', [], ['(body)'], false],
      ['PUT', '/me/password', { currentPassword: '' }, ['currentPassword', 'newPassword']],
      ['POST', '/me/logout-all', { everywhere: true }, ['everywhere']],
      ['POST', '/me/tokens', { name: 't', scopes: [], expiresInDays: 400 }, ['expiresInDays', 'scopes']],
      ['DELETE', '/me/tokens/%01', undefined, ['id']],
      ['GET', '/users?limit=0', undefined, ['limit']],
      [
        'POST',
        '/users',
        { username: 'ok', password: 'x'.repeat(1025), roles: ['Bad'] },
        ['password', 'roles.0'],
      ],
      ['PATCH', '/users/u-x', { disabled: 'yes', admin: true }, ['admin', 'disabled']],
      ['POST', '/roles', { name: 'X', permissions: ['bad perm'] }, ['name', 'permissions.0']],
      ['PUT', '/roles/ops', { description: '' }, ['description']],
      ['POST', '/agents', { name: 'n', publicKey: 'short' }, ['publicKey']],
      // the identity point: 43 characters of base64url, but no key (any signature verifies under it)
      ['POST', '/agents', { name: 'n', publicKey: `AQ${'A'.repeat(41)}` }, ['publicKey']],
      [
        'GET',
        '/audit?order=sideways&cursor=x12&outcome=maybe&since=yesterday',
        undefined,
        ['cursor', 'order', 'outcome', 'since'],
      ],
      // A time without a zone would be read in the server's time zone: refused; with one, taken.
      ['GET', '/audit?since=2026-12-07T10:00:00&until=2026-12-07T10:00:00%2B01:00', undefined, ['since']],
      // The schema states the form the handler reads (the sdk's ISO_TIME_PATTERN): both named at once.
      ['GET', '/audit?since=2026-13-01T10:00:00Z&until=2026-12-07T25:00:00Z', undefined, ['since', 'until']],
    ];
    for (const [method, path, body, fields, token] of cases) {
      const res = await send(method, path, body, token);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.code).toBe('OMEGA_ERR_VALIDATION');
      expect(
        [...new Set((res.body.errors as Doc[]).map((e) => e.field))].sort(),
        `${method} ${path}`,
      ).toEqual(fields);
    }
    expect((await send('GET', '/users')).body.items).toHaveLength(1);
    expect((await send('GET', '/me/tokens')).body.items).toEqual([]);
  });

  it('answers every other route as its response schemas say', async () => {
    await fits('whoAmI', 'GET', '/me');
    const role = await fits('createRoleRoute', 'POST', '/roles', {
      name: 'ops',
      description: 'operates',
      permissions: ['nodes:read', 'sessions:*'],
      denied: ['sessions:admin'],
    });
    expect(role.status).toBe(201);
    await fits('updateRoleRoute', 'PUT', '/roles/ops', { name: 'ignored', permissions: ['nodes:read'] });
    await fits('listRolesRoute', 'GET', '/roles');
    const user = await fits('createUserRoute', 'POST', '/users', {
      username: 'pat@example',
      password: GOOD_PASSWORD,
      roles: ['ops'],
    });
    const id = user.body.id as string;
    await fits('getUserRoute', 'GET', `/users/${id}`);
    await fits('updateUserRoute', 'PATCH', `/users/${id}`, { roles: ['viewer'], disabled: false });
    await fits('listUsersRoute', 'GET', '/users?limit=1');
    const token = await fits('createMyToken', 'POST', '/me/tokens', {
      name: 'ci',
      scopes: ['nodes:read'],
      expiresInDays: 7,
    });
    expect(token.status).toBe(201);
    await fits('myTokens', 'GET', '/me/tokens');
    await fits('listTokensRoute', 'GET', '/tokens');
    expect((await fits('revokeMyToken', 'DELETE', `/me/tokens/${token.body.id}`)).status).toBe(204);
    const other = await send('POST', '/me/tokens', { name: 'ci2', scopes: ['nodes:read'] });
    expect((await fits('revokeTokenRoute', 'DELETE', `/tokens/${other.body.id}`)).status).toBe(204);
    const publicKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
    const agent = await fits('createAgentRoute', 'POST', '/agents', {
      name: 'h1',
      publicKey,
      permissions: ['nodes:agent'],
    });
    await fits('listAgentsRoute', 'GET', '/agents');
    expect((await fits('revokeAgentRoute', 'DELETE', `/agents/${agent.body.id}`)).status).toBe(204);
    const page = await fits('queryAuditRoute', 'GET', '/audit?order=desc&limit=2&outcome=success');
    await fits('queryAuditRoute', 'GET', `/audit?order=desc&limit=2&cursor=${page.body.nextCursor}`);
    await fits('verifyAuditRoute', 'GET', '/audit/verify');
    expect((await fits('deleteUserRoute', 'DELETE', `/users/${id}`)).status).toBe(204);
    expect((await fits('deleteRoleRoute', 'DELETE', '/roles/ops')).status).toBe(204);
    // Signed in as a second admin: change the password, then sign out everywhere.
    await send('POST', '/users', { username: 'ada', password: GOOD_PASSWORD, roles: ['admin'] });
    const ada = (await send('POST', '/login', { username: 'ada', password: GOOD_PASSWORD }, false)).body;
    const next = `${GOOD_PASSWORD} again`;
    expect(
      (
        await fits(
          'changePassword',
          'PUT',
          '/me/password',
          { currentPassword: GOOD_PASSWORD, newPassword: next },
          ada.accessToken,
        )
      ).status,
    ).toBe(204);
    const ada2 = (await send('POST', '/login', { username: 'ada', password: next }, false)).body;
    expect((await fits('logoutAll', 'POST', '/me/logout-all', undefined, ada2.accessToken)).status).toBe(204);
  });

  it('puts the schemas of every operation in the OpenAPI document', async () => {
    const doc = await (
      await fetch(`${kernel.url}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${admin}` } })
    ).json();
    expectDocumented(doc as Parameters<typeof expectDocumented>[0], 'security', schemas.routes);
    expect(schemas.unchecked()).toEqual([]);
  });
});
