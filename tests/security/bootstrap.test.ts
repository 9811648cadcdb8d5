import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../kernel/config/index.js';
import { type Kernel, startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { GOOD_PASSWORD, securityPluginsDir } from './security-kernel.js';

const SECRET_RE = /omega-bootstrap-[A-Za-z0-9_-]{20,}/g;

/** A kernel without the static admin token (no opt-in), its printed output and its JSON log file. */
async function start(dataDir: string, pluginsDir: string) {
  const printed: string[] = [];
  const logFile = join(dataDir, 'kernel.log');
  const kernel = await startKernel(
    parseConfig({ port: 0, dataDir, plugins: { dirs: [pluginsDir], warmHosts: 0 } }),
    {
      logger: createLogger({ level: 'info', destination: pino.destination({ dest: logFile, sync: true }) }),
      print: (t) => printed.push(t),
    },
  );
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${kernel.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  return { kernel, printed, logFile, post };
}

describe('bootstrap: no default credentials, a one-time secret creates the first admin', () => {
  const dirs: string[] = [];
  const kernels: Kernel[] = [];
  afterAll(async () => {
    for (const k of kernels) await k.stop();
    for (const d of dirs) removeDir(d);
  });

  it('prints the secret once (not to the log), accepts it once, then stops working', async () => {
    const pluginsDir = await securityPluginsDir();
    const dataDir = mkdtempSync(join(tmpdir(), 'omega-boot-'));
    dirs.push(pluginsDir, dataDir);
    const a = await start(dataDir, pluginsDir);
    kernels.push(a.kernel);
    const secrets = new Set(a.printed.join('\n').match(SECRET_RE) ?? []);
    expect(a.printed).toHaveLength(1);
    expect(secrets.size).toBe(1);
    const secret = [...secrets][0]!;
    // The command it shows works as printed: this kernel's URL and this secret, only the password to choose.
    expect(a.printed[0]).toContain(`curl -X POST ${a.kernel.url}/api/v1/security/bootstrap`);
    expect(a.printed[0]).toContain(`"secret":"${secret}"`);
    // The security plugin is present: no admin-token file, and nothing gets in without a user.
    expect(existsSync(join(dataDir, 'admin-token'))).toBe(false);
    expect((await fetch(`${a.kernel.url}/api/v1/kernel`)).status).toBe(401);

    const body = { secret, username: 'root', password: GOOD_PASSWORD };
    expect((await a.post('/api/v1/security/bootstrap', { ...body, secret: `${secret}x` })).status).toBe(403);
    // A password against the policy does not burn the secret.
    expect((await a.post('/api/v1/security/bootstrap', { ...body, password: 'short' })).status).toBe(400);
    expect((await a.post('/api/v1/security/bootstrap', body)).status).toBe(201);
    expect((await a.post('/api/v1/security/bootstrap', { ...body, username: 'root2' })).status).toBe(403);

    const login = await a.post('/api/v1/security/login', { username: 'root', password: GOOD_PASSWORD });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const kernelInfo = await fetch(`${a.kernel.url}/api/v1/kernel`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(kernelInfo.status).toBe(200);
    expect(readFileSync(a.logFile, 'utf8')).not.toContain(secret);
    await a.kernel.stop();
    kernels.pop();

    // Restart: a user exists, so no secret is made or printed, and the old one stays dead.
    const b = await start(dataDir, pluginsDir);
    kernels.push(b.kernel);
    expect(b.printed).toEqual([]);
    expect((await b.post('/api/v1/security/bootstrap', { ...body, username: 'late' })).status).toBe(403);
  });

  it('takes the secret from OMEGA_BOOTSTRAP_SECRET instead of printing one', async () => {
    const pluginsDir = await securityPluginsDir();
    const dataDir = mkdtempSync(join(tmpdir(), 'omega-boot-env-'));
    dirs.push(pluginsDir, dataDir);
    const chosen = 'operator-chosen-bootstrap-secret-0123456789';
    process.env.OMEGA_BOOTSTRAP_SECRET = chosen;
    try {
      const c = await start(dataDir, pluginsDir);
      kernels.push(c.kernel);
      expect(c.printed).toEqual([]);
      const res = await c.post('/api/v1/security/bootstrap', {
        secret: chosen,
        username: 'first',
        password: GOOD_PASSWORD,
      });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { roles: string[] }).roles).toEqual(['admin']);
    } finally {
      delete process.env.OMEGA_BOOTSTRAP_SECRET;
    }
  });
});
