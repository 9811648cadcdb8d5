import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '../../kernel/config/index.js';
import { startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';
import { computeIntegrity } from '../../kernel/plugins/index.js';
import { buildPlugin } from '../../sdk/src/build/index.js';

/**
 * A real kernel with the security plugin and a tiny `echo` plugin whose one handler is mounted
 * twice: `GET /api/v1/echo/open` (public) and `GET /api/v1/echo/guarded` (needs `echo:read`).
 * Signs in a viewer (whose `*:read` covers `echo:read`) and prints the URL and its access token.
 */
const repo = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'omega-bench-auth-'));
const plugins = join(dataDir, 'bundled');
await buildPlugin(join(repo, 'plugins', 'security'), { typecheck: false });
mkdirSync(join(plugins, 'security'), { recursive: true });
cpSync(join(repo, 'plugins', 'security', 'dist'), join(plugins, 'security', 'dist'), { recursive: true });
const echo = `export const plugin = { routes: { async hello() { return { status: 200, body: { hello: 'world' } }; } } };\n`;
mkdirSync(join(plugins, 'echo'), { recursive: true });
writeFileSync(join(plugins, 'echo', 'plugin.js'), echo);
const route = (path: string, permission: string) => ({ method: 'GET', path, handler: 'hello', permission });
writeFileSync(
  join(plugins, 'echo', 'plugin.json'),
  JSON.stringify({
    name: 'echo',
    version: '1.0.0',
    engines: { omega: '>=0.1.0' },
    main: 'plugin.js',
    integrity: computeIntegrity(Buffer.from(echo)),
    permissions: ['http:routes'],
    routes: [route('/open', 'public'), route('/guarded', 'echo:read')],
  }),
);
const grants = JSON.parse(
  (await import('node:fs')).readFileSync(join(repo, 'plugins', 'grants.json'), 'utf8'),
) as Record<string, unknown>;
writeFileSync(
  join(plugins, 'grants.json'),
  JSON.stringify({ security: grants.security, echo: { granted: ['http:routes'], denied: [] } }),
);

const adminToken = 'bench-admin-token-0123456789abcdef';
const kernel = await startKernel(
  parseConfig({ port: 0, dataDir, auth: { adminToken }, plugins: { dirs: [plugins], warmHosts: 0 } }),
  {
    logger: createLogger({
      level: 'info',
      destination: pino.destination({ dest: '/dev/null', sync: false }),
    }),
  },
);
const post = async (path: string, body: unknown, token?: string) => {
  const res = await fetch(`${kernel.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return res.json() as Promise<Record<string, string>>;
};
const password = 'a long enough passphrase for load';
await post('/api/v1/security/users', { username: 'bench', password, roles: ['viewer'] }, adminToken);
const { accessToken } = await post('/api/v1/security/login', { username: 'bench', password });
if (!accessToken) throw new Error('bench server: the viewer could not sign in');
process.stdout.write(`${JSON.stringify({ url: kernel.url, token: accessToken })}\n`);
process.on('SIGTERM', () => {
  kernel.stop('bench done').then(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
