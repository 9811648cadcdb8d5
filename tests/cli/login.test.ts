import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, type TempKernel } from '../helpers/temp-kernel.js';
import { call, GOOD_PASSWORD, startSecurityKernel, userWithRoles } from '../security/security-kernel.js';

/*
 * `omega login` and contexts, as an operator uses them: the real CLI in a child process, a
 * real kernel with the security plugin, the credential kept in a config file of the user's
 * (OMEGA_CONFIG here), nothing written into a data directory, nothing passed as --url/--token
 * after login.
 */

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
/** tsx by absolute URL: the CLI runs in a folder outside the checkout. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function omega(args: string[], env: NodeJS.ProcessEnv, input?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', TSX, CLI, ...args], {
      cwd: env.HOME,
      env: { ...process.env, OMEGA_URL: '', OMEGA_TOKEN: '', OMEGA_ADMIN_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('omega login and contexts', () => {
  let k: TempKernel;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const configFile = () => join(home, 'omega-config.json');
  const config = () => JSON.parse(readFileSync(configFile(), 'utf8'));

  beforeAll(async () => {
    k = await startSecurityKernel();
    const made = await call(k, 'POST', '/api/v1/security/users', {
      username: 'ops',
      password: GOOD_PASSWORD,
      roles: ['admin'],
    });
    expect(made.status).toBe(201);
    home = mkdtempSync(join(tmpdir(), 'omega-home-'));
    env = { HOME: home, OMEGA_CONFIG: configFile() };
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(k.dataDir);
    removeDir(home);
  });

  it('signs in with a password, keeps the session as the current context (0600) and uses it with no flags', async () => {
    const login = await omega(
      ['login', '--url', k.url, '--username', 'ops', '--password-stdin', '--context', 'lab'],
      env,
      `${GOOD_PASSWORD}\n`,
    );
    expect(login.stderr).toBe('');
    expect(login.code, login.stdout + login.stderr).toBe(0);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    expect(config()).toMatchObject({
      current: 'lab',
      contexts: { lab: { url: k.url, auth: { kind: 'session', username: 'ops' } } },
    });

    const list = await omega(['plugin', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((p) => p.name)).toContain('security');
    const contexts = await omega(['context', 'list'], env);
    expect(contexts.stdout).toMatch(/^\* lab\s+http:\/\/127\.0\.0\.1:\d+\s+user ops$/m);
  });

  it('refreshes an expiring session on its own, saving the rotated refresh token', async () => {
    const before = config();
    before.contexts.lab.auth.accessExpiresAt = Date.now() - 1000;
    writeFileSync(configFile(), JSON.stringify(before));
    const list = await omega(['plugin', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const after = config().contexts.lab.auth;
    expect(after.refreshToken).not.toBe(before.contexts.lab.auth.refreshToken);
    expect(after.accessExpiresAt).toBeGreaterThan(Date.now());
  });

  it('says a wrong password was wrong while signed in, not that a session ended (and keeps the session)', async () => {
    const wrong = await omega(
      ['login', '--url', k.url, '--username', 'ops', '--password-stdin', '--context', 'other'],
      env,
      'not-the-password\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    // newcomer walk: `--password-stdin </dev/null` said "type it at the prompt, or pipe it with --password-stdin"
    const empty = await omega(['login', '--url', k.url, '--username', 'ops', '--password-stdin'], env, '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(
      'omega: no password given: --password-stdin read an empty stdin; pipe the password in\n',
    );
    const unflagged = await omega(['login', '--url', k.url, '--username', 'ops'], env, '');
    expect(unflagged.stderr).toMatch(/stdin is not a terminal \(so no prompt\) and was empty/);
    expect(wrong.stderr).toMatch(/wrong username or password/i);
    expect(wrong.stderr).not.toMatch(/has ended/);
    expect(config().contexts.other).toBeUndefined();
    expect((await omega(['plugin', 'list'], env)).code).toBe(0);
  });

  it('trusts a publisher through the API, writing nothing where it runs', async () => {
    const key = join(home, 'publisher.public.jwk');
    writeFileSync(
      key,
      JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }),
    );
    const trusted = await omega(['plugin', 'trust', key, '--json'], env);
    expect(trusted.code, trusted.stderr).toBe(0);
    const { kid } = JSON.parse(trusted.stdout) as { kid: string };
    const listed = await call(k, 'GET', '/api/v1/plugins/publishers');
    expect(listed.body.items.map((p: { kid: string }) => p.kid)).toContain(kid);
    const priv = join(home, 'private.jwk');
    writeFileSync(priv, JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'x'.repeat(43), d: 'd'.repeat(43) }));
    // Refused by the CLI before anything is sent (a usage error): the key never leaves this machine.
    const refused = await omega(['plugin', 'trust', priv], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is a private key; trust the publisher's public key/);
    expect(refused.stderr).not.toContain('d'.repeat(43));
    const still = await call(k, 'GET', '/api/v1/plugins/publishers');
    expect(still.body.items).toHaveLength(listed.body.items.length);
  });

  it('signs out (the session is revoked) and then says how to sign in again', async () => {
    const refreshToken = config().contexts.lab.auth.refreshToken as string;
    const out = await omega(['logout'], env);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/session revoked/);
    const reuse = await call(k, 'POST', '/api/v1/security/refresh', { refreshToken }, false);
    expect(reuse.status).toBe(401);
    const after = await omega(['plugin', 'list'], env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain(`not signed in to ${k.url}; run omega login --url ${k.url}`);
  });

  it('signs out of a context whose name an older CLI allowed (ignored): its session is revoked, the context kept', async () => {
    const login = await omega(
      ['login', '--url', k.url, '--username', 'ops', '--password-stdin', '--context', 'lab'],
      env,
      `${GOOD_PASSWORD}\n`,
    );
    expect(login.code, login.stderr).toBe(0);
    const saved = config();
    const oldName = `old lab ${'x'.repeat(90)}`; // refused by this CLI (a space, past 64); never cut
    saved.contexts[oldName] = saved.contexts.lab;
    delete saved.contexts.lab;
    saved.current = oldName;
    writeFileSync(configFile(), JSON.stringify(saved));
    const refreshToken = saved.contexts[oldName].auth.refreshToken as string;
    const out = await omega(['logout', '--context', oldName], env);
    // It said "no context to sign out of" and left the session valid; context delete only forgets it.
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/session revoked/);
    expect(out.stderr).toContain(
      `then omega logout --context "${oldName}" and omega context delete "${oldName}"`,
    );
    const reuse = await call(k, 'POST', '/api/v1/security/refresh', { refreshToken }, false);
    expect(reuse.status).toBe(401);
    expect(config().contexts[oldName]).toEqual({ url: k.url });
    expect(config().current).toBe(oldName);
    // With no --context, the ignored current one is the one signed out of (now nothing stored).
    const again = await omega(['logout'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('no credential was stored');
    const gone = await omega(['context', 'delete', oldName], env);
    expect(gone.code, gone.stderr).toBe(0);
    expect(config().contexts[oldName]).toBeUndefined();
  });

  it('signing out of a kernel that does not answer says the session was not revoked', async () => {
    const saved = existsSync(configFile()) ? config() : { version: 1, contexts: {} };
    saved.contexts.gone = {
      url: 'http://127.0.0.1:9',
      auth: { kind: 'session', username: 'ops', accessToken: 'x', accessExpiresAt: 0, refreshToken: 'ort.x' },
    };
    writeFileSync(configFile(), JSON.stringify(saved));
    const out = await omega(['logout', '--context', 'gone'], env);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('but the kernel did not answer, so it is not revoked');
    expect(config().contexts.gone.auth).toBeUndefined();
  });

  it('answers a wrong context, a wrong password and a plain-http remote URL with one line naming the fix', async () => {
    const ctx = await omega(['plugin', 'list', '--context', 'nope'], env);
    expect(ctx.code).toBe(2);
    expect(ctx.stderr.trim().split('\n')).toEqual([
      'omega: no context "nope"; run omega context list, or omega login --url URL --context nope',
    ]);
    const wrong = await omega(
      ['login', '--url', k.url, '--username', 'ops', '--password-stdin'],
      env,
      'nope\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    // newcomer walk: `--password-stdin </dev/null` said "type it at the prompt, or pipe it with --password-stdin"
    const empty = await omega(['login', '--url', k.url, '--username', 'ops', '--password-stdin'], env, '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(
      'omega: no password given: --password-stdin read an empty stdin; pipe the password in\n',
    );
    const unflagged = await omega(['login', '--url', k.url, '--username', 'ops'], env, '');
    expect(unflagged.stderr).toMatch(/stdin is not a terminal \(so no prompt\) and was empty/);
    const remote = await omega(['login', '--url', 'http://omega.example:7700', '--token', 'omg_x'], env);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/use https/);
    // newcomer walk: --url http://host:7700/api said "No route POST /api/api/v1/security/login"
    const api = await omega(['login', '--url', `${k.url}/api/v1/`, '--token', 'omg_x'], env);
    expect(api.code).toBe(2);
    expect(api.stderr).toBe(
      `omega: --url is the kernel's base URL, without the API path: give ${k.url} (got ${k.url}/api/v1)\n`,
    );
  });

  it('refuses a context name it could not read back, before signing in, and keeps every saved context usable', async () => {
    const before = readFileSync(configFile(), 'utf8');
    for (const name of ['with space', '', 'a/b', 'é', 'x'.repeat(65), '__proto__']) {
      const r = await omega(
        ['login', '--url', k.url, '--username', 'ops', '--password-stdin', '--context', name],
        env,
        `${GOOD_PASSWORD}\n`,
      );
      expect(r.code, JSON.stringify(name)).toBe(2);
      expect(r.stderr.trim().split('\n'), JSON.stringify(name)).toEqual([
        name === ''
          ? 'omega: --context needs a value (it was given empty); leave the flag out for the default'
          : `omega: --context must be 1–64 letters, digits or ._:@- (got "${name}")`,
      ]);
    }
    // Nothing was written: the file is as it was, and the CLI still reads it.
    expect(readFileSync(configFile(), 'utf8')).toBe(before);
    const list = await omega(['context', 'list'], env);
    expect(list.code).toBe(0);
    // A name that is one of Object's own is no context either.
    const proto = await omega(['context', 'use', 'toString'], env);
    expect(proto.code).toBe(2);
    expect(proto.stderr).toContain('no context "toString"');
  });
  it('a refusal of a --token names that token, not the signed-in context user', async () => {
    const signed = await omega(
      ['login', '--url', k.url, '--username', 'ops', '--password-stdin'],
      env,
      `${GOOD_PASSWORD}\n`,
    );
    expect(signed.code).toBe(0);
    const viewer = await userWithRoles(k, 'watcher', ['viewer']);
    const r = await omega(['plugin', 'disable', 'metrics', '--token', viewer.accessToken], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(with the --token given;');
    expect(r.stderr).not.toContain('signed in as ops');
  });

  it('keeps a scoped API token that may not read its own identity, saying so; an unknown token is still refused', async () => {
    // newcomer walk: README's `omega login --context lab --token omg_…` with a token scoped to
    // nodes:read exited 1 and saved nothing: GET /security/me needs security:self.
    const viewer = await userWithRoles(k, 'scoped', ['viewer']);
    const made = await call(
      k,
      'POST',
      '/api/v1/security/me/tokens',
      { name: 'ci', scopes: ['nodes:read'] },
      viewer.accessToken,
    );
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    const r = await omega(['login', '--url', k.url, '--context', 'scoped', '--token', token], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      'omega: the token is valid but may not read whose it is (GET /api/v1/security/me needs security:self), so its user is not known\n',
    );
    expect(r.stdout).toBe(
      `signed in to ${k.url} with an API token of an unknown user (context scoped, now current)\n`,
    );
    expect(config().contexts.scoped).toEqual({ url: k.url, auth: { kind: 'token', token } });
    expect(config().current).toBe('scoped');

    const bad = await omega(['login', '--url', k.url, '--context', 'bad', '--token', 'omg_nosuchtoken'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain(`that token is not valid for ${k.url}`);
    expect(config().contexts.bad).toBeUndefined();
    expect(config().current).toBe('scoped');

    // review: a proxy's bare 403 proves nothing about the token: refused, nothing saved
    const proxy = createServer((_req, res) =>
      res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>no</h1>'),
    );
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    try {
      const at = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const walled = await omega(['login', '--url', at, '--context', 'walled', '--token', token], env);
      expect(walled.code).toBe(1);
      expect(config().contexts.walled).toBeUndefined();
    } finally {
      await new Promise((ok) => proxy.close(ok));
    }
  });
});
