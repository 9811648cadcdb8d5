import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTokenPath } from '../../kernel/auth/index.js';
import { runOmega } from '../helpers/run-omega.js';
import { removeAtFileEnd, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { call, startSecurityKernel, userWithRoles } from '../security/security-kernel.js';

/*
 * `omega login --token T` with the kernel's static admin token: the operator token a kernel is
 * started with (OMEGA_ADMIN_TOKEN), beside the security plugin, and the admin-token file a kernel
 * writes to its data dir when no auth provider runs. The CLI asked GET /api/v1/security/me, which
 * answers 404 for a caller that is no user (and is no route at all without the security plugin),
 * so login exited 1 and saved nothing. The real CLI in a child process against real kernels.
 */
describe('omega login with the kernel admin token', () => {
  let secured: TempKernel;
  let bare: TempKernel;
  let bareToken: string;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const configFile = () => join(home, 'omega-config.json');
  const config = () => JSON.parse(readFileSync(configFile(), 'utf8'));
  const omega = (...args: string[]) => runOmega(args, env);

  beforeAll(async () => {
    secured = await startSecurityKernel();
    // No auth provider and no configured token: the kernel writes <dataDir>/admin-token.
    const noPlugins = mkdtempSync(join(tmpdir(), 'omega-no-plugins-'));
    removeAtFileEnd(noPlugins);
    bare = await startTempKernel({ auth: {}, plugins: { dirs: [noPlugins], warmHosts: 0 } });
    bareToken = readFileSync(adminTokenPath(bare.dataDir), 'utf8').trim();
    home = mkdtempSync(join(tmpdir(), 'omega-home-'));
    removeAtFileEnd(home);
    env = { HOME: home, OMEGA_CONFIG: configFile(), OMEGA_URL: '', OMEGA_TOKEN: '', OMEGA_ADMIN_TOKEN: '' };
  }, 120_000);
  afterAll(async () => {
    await secured?.stop();
    await bare?.stop();
  });

  it('keeps the OMEGA_ADMIN_TOKEN of a kernel with the security plugin, saying it is no user', async () => {
    const r = await omega('login', '--url', secured.url, '--context', 'sec', '--token', secured.token);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `signed in to ${secured.url} with the kernel's admin token, not a user (context sec, now current)\n`,
    );
    expect(config().contexts.sec).toEqual({
      url: secured.url,
      auth: { kind: 'token', token: secured.token, admin: true },
    });
    expect(config().current).toBe('sec');
    const list = await omega('plugin', 'list', '--json');
    expect(list.code, list.stderr).toBe(0);
    const json = await omega(
      'login',
      '--url',
      secured.url,
      '--context',
      'sec',
      '--token',
      secured.token,
      '--json',
    );
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ context: 'sec', url: secured.url, user: null, admin: true });
  });

  it("keeps the admin-token file's token of a kernel with no auth provider", async () => {
    const r = await omega('login', '--url', bare.url, '--context', 'bare', '--token', bareToken);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("with the kernel's admin token, not a user");
    expect(config().contexts.bare).toEqual({
      url: bare.url,
      auth: { kind: 'token', token: bareToken, admin: true },
    });
    expect((await omega('plugin', 'list')).code).toBe(0);
  });

  it('still refuses a wrong token, on one line, saving nothing', async () => {
    for (const [k, name] of [
      [secured, 'wrong-sec'],
      [bare, 'wrong-bare'],
    ] as const) {
      const r = await omega(
        'login',
        '--url',
        k.url,
        '--context',
        name,
        '--token',
        'omega_not-the-admin-token-0',
      );
      expect(r.code, name).toBe(1);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toContain(`is not valid for ${k.url}`);
      expect(config().contexts[name], name).toBeUndefined();
    }
    expect(config().current).toBe('bare');
  });

  it('reads the token from stdin with --token-stdin, so it is not on the command line ps shows', async () => {
    const piped = (args: string[], input: string) => runOmega(['login', ...args], env, 120_000, input);
    const r = await piped(
      ['--url', secured.url, '--context', 'piped', '--token-stdin'],
      `${secured.token}\n`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(config().contexts.piped).toEqual({
      url: secured.url,
      auth: { kind: 'token', token: secured.token, admin: true },
    });
    // Shown and forgotten as what it is: the kernel's own token, which nothing here revokes.
    expect((await omega('context', 'list')).stdout).toMatch(/^\* piped +\S+ +the kernel's admin token$/m);
    // A user's API token is shown with its owner.
    const dana = await userWithRoles(secured, 'dana', ['viewer']);
    const made = await call(
      secured,
      'POST',
      '/api/v1/security/me/tokens',
      { name: 'cli', scopes: ['security:self', 'nodes:read'] },
      dana.accessToken,
    );
    expect(made.status).toBe(201);
    const own = await piped(['--url', secured.url, '--context', 'dana', '--token-stdin'], made.body.token);
    expect(own.stdout).toBe(`signed in to ${secured.url} as dana (context dana, now current)\n`);
    expect(config().contexts.dana.auth).toEqual({ kind: 'token', token: made.body.token, user: 'dana' });
    expect((await omega('context', 'list')).stdout).toMatch(/^\* dana +\S+ +API token of dana$/m);

    // Bad input: one line, exit 2, nothing saved.
    for (const [args, input, says] of [
      [['--token-stdin'], '', '--token-stdin read nothing'],
      [['--token-stdin', '--token', secured.token], '', 'not both'],
      [['--token-stdin', '--username', 'alice'], secured.token, '--username signs in with a password'],
      [['--token', secured.token, '--password-stdin'], 'pw', '--password-stdin signs in with a password'],
    ] as const) {
      const bad = await piped(['--url', secured.url, '--context', 'refused', ...args], input);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(bad.stderr, args.join(' ')).toContain(says);
    }
    expect(config().contexts.refused).toBeUndefined();
    expect(config().current).toBe('dana');
  });

  it("forgets an admin-token context saying the token is the kernel's own and stays valid", async () => {
    const r = await omega('login', '--url', bare.url, '--context', 'gone', '--token', bareToken);
    expect(r.code, r.stderr).toBe(0);
    const del = await omega('context', 'delete', 'gone');
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toBe("forgot gone (the kernel's admin token stays valid: it is the kernel's own)\n");
    expect(config().contexts.gone).toBeUndefined();
    expect((await omega('plugin', 'list', '--url', bare.url, '--token', bareToken)).code).toBe(0);
  });
});
