import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveTarget, TargetError } from '../../cli/target.js';

/*
 * Newcomer walk: `OMEGA_URL=notaurl omega nodes list` said "--url must be an http(s) URL", naming
 * a flag that was not given: the message names where the URL came from.
 */
describe('a kernel URL that is no URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-target-'));
  beforeAll(() => vi.stubEnv('OMEGA_CONFIG', join(dir, 'none.json')));
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });
  const refusal = (values: Record<string, unknown>, env: NodeJS.ProcessEnv) => {
    try {
      resolveTarget(values, env);
    } catch (err) {
      expect(err).toBeInstanceOf(TargetError);
      return (err as Error).message;
    }
    throw new Error('resolved');
  };

  it('names $OMEGA_URL when the value came from the environment', () => {
    expect(refusal({}, { OMEGA_URL: 'notaurl' })).toBe(
      '$OMEGA_URL must be an http(s) URL such as https://omega.example:7700 (got notaurl)',
    );
  });

  it('names --url when the flag gave it (it wins over $OMEGA_URL), and $OMEGA_PORT for a bad port', () => {
    expect(refusal({ url: 'ftp://x' }, { OMEGA_URL: 'http://ok:1' })).toMatch(
      /^--url must be an http\(s\) URL/,
    );
    expect(refusal({}, { OMEGA_PORT: 'eighty' })).toBe('$OMEGA_PORT must be a port number (got eighty)');
  });

  it('refuses a URL that ends in the API path, naming the base URL to give (newcomer walk: POST /api/api/v1/…)', () => {
    expect(refusal({ url: 'http://h:7700/api' }, {})).toBe(
      "--url is the kernel's base URL, without the API path: give http://h:7700 (got http://h:7700/api)",
    );
    expect(refusal({}, { OMEGA_URL: 'https://h/omega/API/v1/' })).toBe(
      "$OMEGA_URL is the kernel's base URL, without the API path: give https://h/omega (got https://h/omega/API/v1)",
    );
    // A path that only looks like it is a prefix the user chose.
    expect(resolveTarget({ url: 'https://h/apis', token: '' }, {}).url).toBe('https://h/apis');
    expect(resolveTarget({ url: 'https://h/api/v2', token: '' }, {}).url).toBe('https://h/api/v2');
  });
});

/*
 * Walk: with a session context and an API-token context for the same kernel, `omega context use
 * ci` was shown as current but every command ran with the first of them in the file (the admin
 * session); and an $OMEGA_ADMIN_TOKEN exported for one kernel went to the kernel of a context
 * named with --context.
 */
describe('the credential of the context chosen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-target-'));
  const file = join(dir, 'config.json');
  const URL_ = 'http://127.0.0.1:7811';
  const write = (current: string | undefined) =>
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        ...(current ? { current } : {}),
        contexts: {
          admin: {
            url: URL_,
            auth: {
              kind: 'session',
              username: 'admin',
              accessToken: 'acc-admin',
              accessExpiresAt: 9e15,
              refreshToken: 'r',
            },
          },
          ci: { url: `${URL_}/`, auth: { kind: 'token', token: 'omg_ci' } },
          other: { url: 'http://127.0.0.1:7812', auth: { kind: 'token', token: 'omg_other' } },
        },
      }),
      { mode: 0o600 },
    );
  beforeAll(() => vi.stubEnv('OMEGA_CONFIG', file));
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });
  const target = (values: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
    const t = resolveTarget(values, env);
    return { context: t.context?.name, token: t.credential?.token, variable: t.credential?.variable };
  };

  it('uses the current context, not the first with its URL', () => {
    write('ci');
    expect(target({})).toEqual({ context: 'ci', token: 'omg_ci', variable: undefined });
    expect(target({ url: URL_ })).toEqual({ context: 'ci', token: 'omg_ci', variable: undefined });
    write('admin');
    expect(target({})).toMatchObject({ context: 'admin', token: 'acc-admin' });
    // Another current context: the one context with that URL.
    write('other');
    expect(target({ url: 'http://127.0.0.1:7812' })).toMatchObject({ context: 'other', token: 'omg_other' });
  });

  it('refuses to guess between contexts of one URL when none is current, unless a token is given', () => {
    write('other');
    expect(() => resolveTarget({ url: URL_ }, {})).toThrow(
      new TargetError(
        `contexts admin, ci all have the URL ${URL_} and none is current: choose one with --context NAME or omega context use NAME`,
      ),
    );
    expect(target({ url: URL_, token: 'omg_flag' })).toMatchObject({ token: 'omg_flag' });
    expect(target({ url: URL_, context: 'ci' })).toMatchObject({ context: 'ci', token: 'omg_ci' });
  });

  it("sends $OMEGA_TOKEN / $OMEGA_ADMIN_TOKEN with a URL from --url or $OMEGA_URL, never to a context's kernel", () => {
    // Review: an admin token exported for a local kernel went to the current context's (prod).
    write('ci');
    expect(target({}, { OMEGA_ADMIN_TOKEN: 'adm' })).toEqual({
      context: 'ci',
      token: 'omg_ci',
      variable: undefined,
    });
    expect(target({ context: 'other' }, { OMEGA_ADMIN_TOKEN: 'adm' })).toEqual({
      context: 'other',
      token: 'omg_other',
      variable: undefined,
    });
    expect(target({ url: 'http://127.0.0.1:7812' }, { OMEGA_ADMIN_TOKEN: 'adm' })).toEqual({
      context: 'other',
      token: 'adm',
      variable: 'OMEGA_ADMIN_TOKEN',
    });
    expect(target({}, { OMEGA_URL: URL_, OMEGA_TOKEN: 'tok', OMEGA_ADMIN_TOKEN: 'adm' })).toMatchObject({
      token: 'tok',
      variable: 'OMEGA_TOKEN',
    });
    // --token is for any target.
    expect(target({ context: 'other', token: 'omg_flag' }, { OMEGA_ADMIN_TOKEN: 'adm' })).toMatchObject({
      token: 'omg_flag',
    });
  });
});
