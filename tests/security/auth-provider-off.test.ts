import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../kernel/config/index.js';
import { type Kernel, startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';
import { runOmega } from '../helpers/run-omega.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { GOOD_PASSWORD, securityPluginsDir } from './security-kernel.js';

const SECRET_RE = /omega-bootstrap-[A-Za-z0-9_-]{20,}/g;
const STATIC = 'static-operator-token-for-this-test-0123456789';

/*
 * A newcomer walk: `omega plugin disable security` took one command and no warning, and ended
 * every sign-in; the restarted kernel fell back to the data dir's admin-token file without a word,
 * and that token kept working after `plugin enable security` until the next restart. Disabling the
 * auth provider now needs its name as consent, and the file stops signing anyone in as soon as a
 * provider runs — with the bootstrap secret armed when the provider has no user yet.
 */
describe('the auth provider switched off and on', () => {
  const kernels: Kernel[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const k of kernels) await k.stop().catch(() => {});
    for (const d of dirs) removeDir(d);
  });

  async function start(dataDir: string, pluginsDir: string, adminToken?: string) {
    const printed: string[] = [];
    const kernel = await startKernel(
      parseConfig({
        port: 0,
        dataDir,
        log: { level: 'silent' },
        plugins: { dirs: [pluginsDir], warmHosts: 0 },
        ...(adminToken ? { auth: { adminToken } } : {}),
      }),
      { logger: createLogger({ level: 'silent' }), print: (t) => printed.push(t) },
    );
    kernels.push(kernel);
    const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
      const res = await fetch(`${kernel.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    return { kernel, printed, call };
  }

  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'omega-provider-off-'));
    dirs.push(d);
    return d;
  };

  it('disabling it needs its name as consent; the admin-token file works only while it is off', async () => {
    const plugins = await securityPluginsDir();
    const dataDir = fresh();
    const a = await start(dataDir, plugins);
    const secret = a.printed.join('\n').match(SECRET_RE)![0];
    const user = { username: 'root', password: GOOD_PASSWORD };
    expect((await a.call('POST', '/api/v1/security/bootstrap', undefined, { secret, ...user })).status).toBe(
      201,
    );
    const login = async (k: typeof a) =>
      (await k.call('POST', '/api/v1/security/login', undefined, user)).body;
    const token = (await login(a)).accessToken as string;

    const refused = await a.call('POST', '/api/v1/plugins/security/disable', token);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'OMEGA_ERR_CONSENT_REQUIRED', consent: 'security' });
    expect(refused.body.detail).toMatch(/auth provider: disabling it ends every sign-in/);
    expect((await a.call('GET', '/api/v1/plugins/security', token)).body.status).toBe('running');
    const wrong = await a.call('POST', '/api/v1/plugins/security/disable?consent=metrics', token);
    expect(wrong.status).toBe(409);
    // The CLI says so in one line and takes --force as the consent.
    const cli = (...args: string[]) =>
      runOmega(['plugin', ...args], {
        OMEGA_URL: a.kernel.url,
        OMEGA_TOKEN: token,
        OMEGA_CONFIG: join(dataDir, 'cli.json'),
      });
    const asked = await cli('disable', 'security');
    expect(asked.code).toBe(1);
    expect(asked.stderr).toMatch(
      /^omega: Plugin "security" is the kernel's auth provider: .*--force\)\. \[OMEGA_ERR_CONSENT_REQUIRED\]\n$/,
    );
    const off = await cli('disable', 'security', '--force', '--json');
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout).enabled).toBe(false);
    await a.kernel.stop();

    // Restarted with the provider off: the file is the way in.
    const b = await start(dataDir, plugins);
    const file = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect((await b.call('GET', '/api/v1/plugins', file)).status).toBe(200);
    expect((await b.call('POST', '/api/v1/plugins/security/enable', file)).status).toBe(200);
    // …and not once the provider runs again (its `running` event reaches the kernel's auth through
    // the bus, a moment after the answer), without a restart.
    let status = 0;
    for (const end = Date.now() + 30_000; Date.now() < end && status !== 401; ) {
      status = (await b.call('GET', '/api/v1/plugins', file)).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
    const again = (await login(b)).accessToken as string;
    expect((await b.call('GET', '/api/v1/plugins', again)).status).toBe(200);
    // A user exists: no bootstrap secret was printed on this kernel.
    expect(b.printed.join('\n')).not.toMatch(SECRET_RE);
  }, 240_000);

  it('a provider enabled for the first time (no user yet) arms the bootstrap secret', async () => {
    const plugins = await securityPluginsDir();
    const dataDir = fresh();
    // The static operator token (an explicit opt-in) switches it off; it is not the fallback.
    const a = await start(dataDir, plugins, STATIC);
    expect((await a.call('POST', '/api/v1/plugins/security/disable?consent=security', STATIC)).status).toBe(
      200,
    );
    await a.kernel.stop();

    const b = await start(dataDir, plugins);
    const file = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect((await b.call('POST', '/api/v1/plugins/security/enable', file)).status).toBe(200);
    const printed = async () => b.printed.join('\n').match(SECRET_RE)?.[0];
    for (const end = Date.now() + 30_000; Date.now() < end && !(await printed()); )
      await new Promise((r) => setTimeout(r, 50));
    const secret = await printed();
    expect(secret).toBeDefined();
    const made = await b.call('POST', '/api/v1/security/bootstrap', undefined, {
      secret,
      username: 'root',
      password: GOOD_PASSWORD,
    });
    expect(made.status).toBe(201);
    expect((await b.call('GET', '/api/v1/plugins', file)).status).toBe(401);
  }, 240_000);
});
