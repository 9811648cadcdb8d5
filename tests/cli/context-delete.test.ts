import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOmega } from '../helpers/run-omega.js';
import { removeAtFileEnd, type TempKernel } from '../helpers/temp-kernel.js';
import { call, startSecurityKernel, userWithRoles } from '../security/security-kernel.js';

/*
 * `omega context delete NAME` signs out of the context's session as `omega logout` does: it only
 * forgot the context, and the session's refresh token stayed valid in the kernel until it
 * expired, with no copy left to revoke it with. The real CLI in a child process against a real
 * kernel with the security plugin; the sessions are made through the API and written into the
 * CLI's config as omega login writes them.
 */
describe('omega context delete', () => {
  let k: TempKernel;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const configFile = () => join(home, 'omega-config.json');
  const config = () => JSON.parse(readFileSync(configFile(), 'utf8'));
  const omega = (...args: string[]) => runOmega(args, env);
  /** Signs `username` in through the API and saves the session as context `name`. */
  const savedSession = async (name: string, username: string, url = k.url) => {
    const s = await userWithRoles(k, username, ['viewer']);
    const saved = (() => {
      try {
        return config();
      } catch {
        return { version: 1, contexts: {} };
      }
    })();
    saved.contexts[name] = {
      url,
      auth: {
        kind: 'session',
        username,
        accessToken: s.accessToken,
        accessExpiresAt: Date.now() + 600_000,
        refreshToken: s.refreshToken,
      },
    };
    saved.current = name;
    writeFileSync(configFile(), JSON.stringify(saved), { mode: 0o600 });
    return s.refreshToken;
  };
  const refresh = (refreshToken: string) =>
    call(k, 'POST', '/api/v1/security/refresh', { refreshToken }, false);

  beforeAll(async () => {
    k = await startSecurityKernel();
    home = mkdtempSync(join(tmpdir(), 'omega-home-'));
    removeAtFileEnd(home);
    env = { HOME: home, OMEGA_CONFIG: configFile(), OMEGA_URL: '', OMEGA_TOKEN: '', OMEGA_ADMIN_TOKEN: '' };
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
  });

  it("revokes the context's session in the kernel, then forgets the context", async () => {
    const refreshToken = await savedSession('lab', 'ann');
    const kept = await savedSession('other', 'bob');
    const r = await omega('context', 'delete', 'lab');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The old refresh token is refused: the session ended with the context.
    expect((await refresh(refreshToken)).status).toBe(401);
    expect(r.stdout).toBe('forgot lab (its session revoked)\n');
    expect(config().contexts.lab).toBeUndefined();
    expect(config().current).toBe('other');
    // Another context's session is untouched.
    expect((await refresh(kept)).status).toBe(200);
  });

  it('says so in JSON, and when the session had already ended', async () => {
    await savedSession('gone', 'cid');
    // A refresh token the kernel does not know (its session long gone): refused with 401.
    const saved = config();
    saved.contexts.gone.auth.refreshToken = 'not-a-refresh-token';
    writeFileSync(configFile(), JSON.stringify(saved), { mode: 0o600 });
    const r = await omega('context', 'delete', 'gone', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      context: 'gone',
      action: 'delete',
      revoked: false,
      outcome: 'ended',
    });
    expect(config().contexts.gone).toBeUndefined();
  });

  it('deletes a context whose kernel does not answer, saying its session stays valid until it expires', async () => {
    const refreshToken = await savedSession('away', 'dan', 'http://127.0.0.1:9');
    const r = await omega('context', 'delete', 'away');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'forgot away, but http://127.0.0.1:9 did not answer, so its session is not revoked: it stays valid until its refresh token expires\n',
    );
    expect(config().contexts.away).toBeUndefined();
    // It was not revoked (the session is in this kernel, asked at another address).
    expect((await refresh(refreshToken)).status).toBe(200);
  });

  it('forgets an API token context, saying the token stays valid', async () => {
    const saved = config();
    saved.contexts.ci = { url: k.url, auth: { kind: 'token', token: k.token } };
    writeFileSync(configFile(), JSON.stringify(saved), { mode: 0o600 });
    const r = await omega('context', 'delete', 'ci');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('forgot ci (its API token stays valid until it is revoked)\n');
    expect(config().contexts.ci).toBeUndefined();
  });
});
