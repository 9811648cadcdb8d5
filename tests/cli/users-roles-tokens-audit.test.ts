import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OMEGA_CLI, type OmegaRun, runOmega } from '../helpers/run-omega.js';
import { removeAtFileEnd, type TempKernel } from '../helpers/temp-kernel.js';
import { call, GOOD_PASSWORD, startSecurityKernel, userWithRoles } from '../security/security-kernel.js';

/*
 * `omega users|roles|tokens|audit`, as an operator uses them: the real CLI in a child process
 * (spawned, never spawnSync: the kernel answers from this process), a real kernel with the
 * security plugin, signed in as an admin user `ops` (OMEGA_TOKEN: an access token of theirs).
 * Each step is checked in the API too, not only in what the CLI prints.
 */

/** Like runOmega, with `input` written to the CLI's stdin (a pipe, so no prompt): --password-stdin. */
const omegaWithStdin = (args: readonly string[], env: NodeJS.ProcessEnv, input: string): Promise<OmegaRun> =>
  runOmega(args, env, 120_000, input);

/**
 * `omega ...args` at a terminal (a pty from util-linux `script`), answering each prompt as it
 * appears: `answers` in order, each sent once its prompt is on the screen (sent earlier, the CLI's
 * raw-mode read would take two lines as one).
 */
function omegaAtTerminal(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  answers: ReadonlyArray<[prompt: string, reply: string]>,
): Promise<{ code: number; screen: string }> {
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const line = [process.execPath, '--conditions=source', '--import', 'tsx', OMEGA_CLI, ...args]
    .map(quote)
    .join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', line, '/dev/null'], { env: { ...process.env, ...env } });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    let screen = '';
    let next = 0;
    let seenTo = 0;
    child.stdout.on('data', (d) => {
      screen += d;
      const [prompt, reply] = answers[next] ?? [];
      const at = prompt === undefined ? -1 : screen.indexOf(prompt, seenTo);
      if (at >= 0) {
        seenTo = at + prompt!.length;
        next++;
        child.stdin.write(reply);
      }
    });
    child.on('error', (err) => resolve({ code: -1, screen: `script(1) did not run: ${err.message}` }));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen });
    });
  });
}

describe('omega users, roles, tokens and audit against the security plugin', () => {
  let k: TempKernel;
  let ops: { id: string; accessToken: string };
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    k = await startSecurityKernel();
    ops = await userWithRoles(k, 'ops', ['admin']);
    const home = mkdtempSync(join(tmpdir(), 'omega-users-cli-'));
    removeAtFileEnd(home);
    env = {
      OMEGA_URL: k.url,
      OMEGA_TOKEN: ops.accessToken,
      OMEGA_CONFIG: join(home, 'config.json'),
      OMEGA_ADMIN_TOKEN: '',
    };
  }, 240_000);
  afterAll(async () => {
    await k?.stop();
  });

  const omega = (...args: string[]) => runOmega(args, env);
  const ok = (r: OmegaRun) => {
    expect(r.stderr, r.stdout).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };
  /** A one-line refusal on stderr with `code`, nothing on stdout. */
  const refused = (r: OmegaRun, code: number, text: RegExp) => {
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^omega: [^\n]*\n$/);
    expect(r.stderr).toMatch(text);
    expect(r.code).toBe(code);
  };

  it('creates, lists, shows, changes and deletes a user', async () => {
    const made = await omegaWithStdin(
      ['users', 'create', 'alice', '--roles', 'viewer', '--password-stdin'],
      env,
      `${GOOD_PASSWORD}\n`,
    );
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const id = /^Created user alice \((u-[^)]+)\), roles viewer\.\n$/.exec(made.stdout)?.[1];
    expect(id).toBeDefined();
    // The password given on stdin is the one she signs in with (its newline dropped).
    const login = await call(
      k,
      'POST',
      '/api/v1/security/login',
      { username: 'alice', password: GOOD_PASSWORD },
      false,
    );
    expect(login.status).toBe(200);

    const list = ok(await omega('users'));
    expect(list.split('\n')[0]).toMatch(/^USERNAME +ID +STATUS +ROLES$/);
    expect(list).toMatch(new RegExp(`^alice +${id} +active +viewer$`, 'm'));
    expect(list).toMatch(/^ops +u-\S+ +active +admin$/m);
    const listed = JSON.parse(ok(await omega('users', 'list', '--json')));
    expect(listed.items.map((u: { username: string }) => u.username).sort()).toEqual(['alice', 'ops']);

    const shown = ok(await omega('users', 'show', 'ALICE'));
    expect(shown).toMatch(new RegExp(`^alice \\(${id}\\)\\n`));
    expect(shown).toMatch(/^roles +viewer$/m);
    expect(JSON.parse(ok(await omega('users', 'show', id!, '--json')))).toMatchObject({
      id,
      username: 'alice',
    });

    const set = ok(await omega('users', 'set', 'alice', '--roles', 'operator,viewer', '--disable'));
    expect(set).toMatch(
      /^Changed user alice \(u-\S+\): disabled, roles operator,viewer\.\nTheir sessions are revoked/,
    );
    expect((await call(k, 'GET', `/api/v1/security/users/${id}`)).body).toMatchObject({
      disabled: true,
      roles: ['operator', 'viewer'],
    });
    // Her refresh token died with the change.
    const refresh = await call(
      k,
      'POST',
      '/api/v1/security/refresh',
      { refreshToken: login.body.refreshToken },
      false,
    );
    expect(refresh.status).toBe(401);
    ok(await omega('users', 'set', id!, '--enable'));
    expect((await call(k, 'GET', `/api/v1/security/users/${id}`)).body.disabled).toBe(false);

    // A new password on stdin.
    const newPassword = `${GOOD_PASSWORD} again`;
    ok(await omegaWithStdin(['users', 'set', 'alice', '--password-stdin'], env, newPassword));
    const relogin = await call(
      k,
      'POST',
      '/api/v1/security/login',
      { username: 'alice', password: newPassword },
      false,
    );
    expect(relogin.status).toBe(200);

    // Not without consent: stdin is no terminal here, so --yes it must be.
    refused(
      await omega('users', 'delete', 'alice'),
      2,
      /this deletes user alice \(u-\S+\) and ends their sessions; confirm with --yes/,
    );
    expect((await call(k, 'GET', `/api/v1/security/users/${id}`)).status).toBe(200);
    expect(ok(await omega('users', 'delete', 'alice', '--yes'))).toBe(
      `Deleted user alice (${id}); their sessions are revoked.\n`,
    );
    expect((await call(k, 'GET', `/api/v1/security/users/${id}`)).status).toBe(404);
    refused(
      await omega('users', 'show', 'alice'),
      1,
      /no user "alice": no user has this username \(omega users list shows them\) \[OMEGA_ERR_NOT_FOUND\]/,
    );
    refused(await omega('users', 'show', id!), 1, /No user "u-\S+"\. \[OMEGA_ERR_NOT_FOUND\]/);
    // The API's refusals come through as one line.
    refused(
      await omega('users', 'delete', 'ops', '--yes'),
      1,
      /You cannot delete yourself\. \[OMEGA_ERR_CONFLICT\]/,
    );
  }, 240_000);

  it('creates a user only with a password from stdin or a prompt, never without one', async () => {
    refused(
      await omega('users', 'create', 'bob'),
      2,
      /stdin is not a terminal, so there is no prompt for the password: pipe it in with --password-stdin/,
    );
    refused(
      await omegaWithStdin(['users', 'create', 'bob', '--password-stdin'], env, ''),
      2,
      /--password-stdin read an empty stdin/,
    );
    // walk: two lines were one password with a line break in it
    refused(
      await omegaWithStdin(['users', 'create', 'bob', '--password-stdin'], env, 'Zz9-staple-correct\nmore\n'),
      2,
      /--password-stdin read more than one line/,
    );
    refused(
      await omegaWithStdin(['users', 'create', 'bob', '--password-stdin'], env, 'short'),
      1,
      /password.*\[OMEGA_ERR_VALIDATION\]/i,
    );
    expect((await call(k, 'GET', '/api/v1/security/users?username=bob')).body.items).toEqual([]);
  }, 60_000);

  it('asks for a new password twice at a terminal and confirms a delete there', async () => {
    const pw = 'typed at the terminal 42';
    const made = await omegaAtTerminal(['users', 'create', 'carol'], env, [
      ['New password for carol: ', `${pw}\r`],
      ['Again: ', `${pw}\r`],
    ]);
    expect(made.screen).toMatch(/Created user carol \(u-\S+\), roles viewer\./);
    expect(made.code).toBe(0);
    const login = await call(k, 'POST', '/api/v1/security/login', { username: 'carol', password: pw }, false);
    expect(login.status).toBe(200);

    const differ = await omegaAtTerminal(['users', 'set', 'carol', '--password-stdin'], env, [
      ['New password for carol: ', 'one long password here\r'],
      ['Again: ', 'another long password\r'],
    ]);
    expect(differ.screen).toMatch(/omega: the two passwords differ; nothing was changed/);
    expect(differ.code).toBe(2);

    const kept = await omegaAtTerminal(['users', 'delete', 'carol'], env, [['Proceed? [y/N] ', 'n\r']]);
    expect(kept.screen).toMatch(
      /this deletes user carol \(u-\S+\) and ends their sessions\. Proceed\? \[y\/N\] /,
    );
    expect(kept.screen).toMatch(/omega: not confirmed; nothing was changed/);
    expect(kept.code).toBe(2);
    expect((await call(k, 'GET', '/api/v1/security/users?username=carol')).body.items).toHaveLength(1);
    const gone = await omegaAtTerminal(['users', 'delete', 'carol'], env, [['Proceed? [y/N] ', 'y\r']]);
    expect(gone.screen).toMatch(/Deleted user carol \(u-\S+\); their sessions are revoked\./);
    expect(gone.code).toBe(0);
    expect((await call(k, 'GET', '/api/v1/security/users?username=carol')).body.items).toEqual([]);
  }, 240_000);

  it('creates, shows, changes and deletes a custom role; built-in roles are refused by the API', async () => {
    const made = ok(
      await omega(
        'roles',
        'create',
        'auditor',
        '--permissions',
        'security:read',
        '--description',
        'reads the trail',
      ),
    );
    expect(made).toBe('Created role auditor: permits security:read, denies -.\n');
    const list = ok(await omega('roles'));
    expect(list.split('\n')[0]).toMatch(/^NAME +KIND +PERMISSIONS +DENIED +DESCRIPTION$/);
    expect(list).toMatch(/^auditor +custom +security:read +- +reads the trail$/m);
    expect(list).toMatch(/^admin +built-in /m);

    // set keeps what it is not given (PUT replaces the whole role).
    ok(
      await omega('roles', 'set', 'auditor', '--permissions', 'security:read', '--permissions', 'nodes:read'),
    );
    const role = JSON.parse(ok(await omega('roles', 'show', 'auditor', '--json')));
    expect(role).toEqual({
      name: 'auditor',
      description: 'reads the trail',
      permissions: ['security:read', 'nodes:read'],
      denied: [],
      builtIn: false,
    });
    expect(ok(await omega('roles', 'show', 'auditor'))).toMatch(
      /^permits +security:read\npermits +nodes:read$/m,
    );

    // Without --description (optional in --help): the role has none (walk: it was sent empty, a 400).
    expect(ok(await omega('roles', 'create', 'plain', '--permissions', 'nodes:read'))).toMatch(
      /^Created role plain/,
    );
    ok(await omega('roles', 'set', 'plain', '--permissions', 'nodes:read,sessions:read'));
    expect(JSON.parse(ok(await omega('roles', 'show', 'plain', '--json'))).description ?? '').toBe('');
    ok(await omega('roles', 'delete', 'plain', '--yes'));

    refused(
      await omega('roles', 'set', 'admin', '--permissions', 'nodes:read'),
      1,
      /admin is a built-in role and cannot be changed.*\[OMEGA_ERR_VALIDATION\]/,
    );
    refused(
      await omega('roles', 'delete', 'viewer'),
      1,
      /viewer is a built-in role and cannot be deleted.*\[OMEGA_ERR_VALIDATION\]/,
    );
    refused(
      await omega('roles', 'delete', 'auditor'),
      2,
      /this deletes role auditor, takes it off every user holding it and ends their sessions; confirm with --yes/,
    );
    ok(await omega('roles', 'delete', 'auditor', '--yes'));
    expect(
      (await call(k, 'GET', '/api/v1/security/roles')).body.items.map((r: { name: string }) => r.name),
    ).not.toContain('auditor');
    refused(
      await omega('roles', 'show', 'auditor'),
      1,
      /no role "auditor" \(omega roles list shows them\) \[OMEGA_ERR_NOT_FOUND\]/,
    );
  }, 240_000);

  it('creates an API token shown once, which works within its scope only, lists and revokes it', async () => {
    const made = await omega('tokens', 'create', 'ci read', '--scope', 'security:read', '--ttl', '7d');
    expect(made.code).toBe(0);
    // The secret alone on stdout, for TOKEN=$(omega tokens create …); what it is, on stderr.
    expect(made.stdout).toMatch(/^omg_\S+\n$/);
    expect(made.stderr).toMatch(
      /^omega: created API token t-\S+ "ci read" \(security:read\), expires \S+\. Its secret is shown only now/,
    );
    const secret = made.stdout.trim();
    const tokenId = /token (t-\S+)/.exec(made.stderr)![1]!;

    const withSecret = { ...env, OMEGA_TOKEN: secret };
    expect(ok(await runOmega(['users', 'list'], withSecret))).toMatch(/^ops /m);
    refused(
      await runOmega(['roles', 'create', 'nope', '--permissions', 'nodes:read'], withSecret),
      1,
      /security:admin.*\[OMEGA_ERR_FORBIDDEN\]/,
    );

    const mine = ok(await omega('tokens'));
    expect(mine.split('\n')[0]).toMatch(/^ID +NAME +STATE +EXPIRES +SCOPES$/);
    expect(mine).toMatch(new RegExp(`^${tokenId} +ci read +active +\\S+Z +security:read$`, 'm'));
    const all = ok(await omega('tokens', 'list', '--all'));
    expect(all).toMatch(new RegExp(`^${tokenId} +ops +ci read +active `, 'm'));
    const json = JSON.parse(ok(await omega('tokens', 'list', '--all', '--json')));
    expect(json.items).toEqual([
      expect.objectContaining({ id: tokenId, userId: ops.id, scopes: ['security:read'] }),
    ]);
    expect(JSON.stringify(json)).not.toContain(secret);

    expect(ok(await omega('tokens', 'revoke', tokenId))).toBe(`Revoked API token ${tokenId}.\n`);
    refused(await runOmega(['users', 'list'], withSecret), 1, /not valid/);
    expect(ok(await omega('tokens'))).toMatch(new RegExp(`^${tokenId} +ci read +revoked `, 'm'));
    // Revoking it again changes nothing, so the trail says it once (it said it twice).
    expect(ok(await omega('tokens', 'revoke', tokenId))).toBe(`Revoked API token ${tokenId}.\n`);
    const revokes = await call(k, 'GET', `/api/v1/security/audit?action=token.revoke&limit=1000`);
    expect(revokes.body.items.filter((e: { target?: string }) => e.target === tokenId)).toHaveLength(1);

    // --json gives the whole new token, secret included; the admin route revokes it (not the
    // caller's own: the admin token is no user).
    const made2 = await omega('tokens', 'create', 'second', '--scope', 'nodes:read', '--json');
    expect(made2.code).toBe(0);
    expect(made2.stderr).toMatch(/Its secret is shown only now/); // stdout is for the script
    const second = JSON.parse(made2.stdout);
    expect(second).toMatchObject({
      name: 'second',
      scopes: ['nodes:read'],
      token: expect.stringMatching(/^omg_/),
    });
    expect(ok(await runOmega(['tokens', 'revoke', second.id], { ...env, OMEGA_TOKEN: k.token }))).toBe(
      `Revoked API token ${second.id}.\n`,
    );
    refused(
      await runOmega(['tokens', 'revoke', 't-nosuchtoken'], { ...env, OMEGA_TOKEN: k.token }),
      1,
      /No such token\. \[OMEGA_ERR_NOT_FOUND\]/,
    );
    // The admin token has no tokens of its own: the refusal says what to do.
    refused(
      await runOmega(['tokens'], { ...env, OMEGA_TOKEN: k.token }),
      1,
      /API tokens belong to a user: sign in as one/,
    );
  }, 240_000);

  it('lists the audit trail by actor, showing what was just done, and verifies it', async () => {
    // The kernel's static admin token made ops (beforeAll): shown as what it is, not as a user
    // named admin (a user may have that name).
    expect(ok(await omega('audit', '--action', 'user.create', '--order', 'asc', '--limit', '1'))).toMatch(
      /^ *\d+ \S+Z +admin token +user\.create +success +ops /m,
    );
    const text = ok(await omega('audit', '--actor', 'ops', '--limit', '1000'));
    expect(text.split('\n')[0]).toMatch(/^ +SEQ +TIME +ACTOR +ACTION +OUTCOME +TARGET +DETAILS$/);
    for (const action of [
      'user.create',
      'user.update',
      'user.delete',
      'role.create',
      'role.update',
      'role.delete',
      'token.create',
      'token.revoke',
    ])
      expect(text, action).toMatch(
        new RegExp(`^ *\\d+ \\S+Z +ops +${action.replace('.', '\\.')} +success `, 'm'),
      );

    const json = JSON.parse(
      ok(await omega('audit', 'list', '--actor', 'ops', '--action', 'user.', '--order', 'asc', '--json')),
    );
    expect(json.items.map((e: { action: string }) => e.action)).toEqual([
      'user.create',
      'user.update',
      'user.update',
      'user.update',
      'user.delete',
      'user.create',
      'user.delete',
    ]);
    expect(json.items.every((e: { actor: string }) => e.actor === ops.id)).toBe(true);
    expect(json.nextCursor).toBeUndefined();

    // Newest first by default; --limit stops with a cursor that goes on.
    const two = ok(await omega('audit', '--actor', 'ops', '--limit', '2'));
    expect(two).toMatch(/\(more older entries may remain: add --cursor (\d+), or a larger --limit\)\n$/);
    const cursor = /--cursor (\d+)/.exec(two)![1]!;
    const next = JSON.parse(
      ok(await omega('audit', '--actor', 'ops', '--limit', '2', '--cursor', cursor, '--json')),
    );
    expect(next.items).toHaveLength(2);
    expect(next.items[0].seq).toBeLessThan(Number(cursor));
    const future = ok(await omega('audit', '--since', '2999-01-01'));
    expect(future).toBe('No audit entries match.\n');

    const verified = ok(await omega('audit', 'verify'));
    expect(verified).toMatch(/^The audit trail is intact: \d+ entries/);
    expect(JSON.parse(ok(await omega('audit', 'verify', '--json')))).toMatchObject({ ok: true });
  }, 240_000);

  it('refuses bad input with one line and exit code 2 (a user that does not exist: 1)', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['users', 'frob'], 2, /users: unknown action "frob" \(one of: list, show, create, set, delete\)/],
      [['roles', 'frob'], 2, /roles: unknown action "frob"/],
      [['tokens', 'frob'], 2, /tokens: unknown action "frob"/],
      [['audit', 'frob'], 2, /audit: unknown action "frob" \(one of: list, verify\)/],
      [['users', 'show'], 2, /users show needs exactly one USER/],
      [['users', 'set', 'ops'], 2, /users set needs at least one of --roles/],
      [['users', 'set', 'ops', '--disable', '--enable'], 2, /--disable or --enable, not both/],
      [['users', 'create', 'x', '--roles', 'a,,b'], 2, /--roles takes names separated by commas, none empty/],
      [['roles', 'create', 'r1'], 2, /roles create needs --permissions/],
      [['tokens', 'create'], 2, /tokens create needs exactly one NAME/],
      [['tokens', 'create', 'x'], 2, /tokens create needs --scope/],
      [
        ['tokens', 'create', 'x', '--scope', 'nodes:read', '--ttl', '2h'],
        2,
        /--ttl takes whole days, 1d–366d/,
      ],
      [['tokens', 'revoke'], 2, /tokens revoke needs exactly one token ID/],
      [['audit', '--outcome', 'maybe'], 2, /--outcome is one of success, failure, denied \(got "maybe"\)/],
      [['audit', '--order', 'up'], 2, /--order is asc/],
      [['audit', '--since', 'yesterday-ish'], 2, /--since takes an ISO time/],
      [['audit', '--limit', '0'], 2, /--limit takes a whole number/],
      [['audit', '--since', '1h', '--until', '2h'], 2, /--since \(.*\) is after --until/],
      [['audit', 'list', 'alice'], 2, /audit list takes no arguments/],
      // A flag of another action is refused, not ignored.
      [
        ['users', 'show', 'ops', '--roles', 'admin'],
        2,
        /--roles does not apply to users show \(it is for: create, set\)/,
      ],
      [['tokens', 'revoke', 't-x', '--scope', 'a:b'], 2, /--scope does not apply to tokens revoke/],
      [['tokens', 'revoke', 't-x', '--all'], 2, /--all does not apply to tokens revoke \(it is for: list\)/],
      [
        ['audit', 'verify', '--actor', 'ops'],
        2,
        /--actor does not apply to audit verify \(it is for: list\)/,
      ],
      [['users', 'delete', 'x', '--bogus'], 2, /unknown flag --bogus for omega users delete/],
      // A user that does not exist: said so, exit 1 as the API's own 404 for an id.
      [['users', 'set', 'nobody', '--disable'], 1, /no user "nobody"/],
      [['users', 'delete', 'nobody', '--yes'], 1, /no user "nobody"/],
    ];
    // Two at a time: each run compiles the CLI.
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const runs = await Promise.all(batch.map(([args]) => runOmega(args, env)));
      for (const [j, r] of runs.entries()) {
        const [args, code, text] = batch[j]!;
        expect(r.stderr, args.join(' ')).toMatch(text);
        refused(r, code, text);
      }
    }
  }, 240_000);
});
