import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachMarketplace, type Marketplace } from '../../marketplace/index.js';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { buildUi } from './build-ui.js';
import { serveUi, type UiServer } from './serve-ui.js';

const REPO_PLUGINS = join(import.meta.dirname, '..', '..', 'plugins');

/** The bootstrap secret the tests arm the kernel with (OMEGA_BOOTSTRAP_SECRET). */
export const BOOTSTRAP_SECRET = 'dashboard-test-bootstrap-secret-0123456789';
/** The first admin the tests create. */
export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

/** A real kernel (security, metrics and dashboard plugins, marketplace attached) behind the test UI server. */
export interface DashboardKernel {
  k: TempKernel;
  ui: UiServer;
  marketplace: Marketplace;
  /** JSON call to the kernel with a bearer token (or none). */
  call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }>;
  /** Creates the first admin through the bootstrap route and signs in: an access token. */
  bootstrapAdmin(): Promise<string>;
  stop(): Promise<void>;
}

/** Copies the built plugins (dist/plugin.json + dist/plugin.js) into a fresh plugins folder with the default grants. */
async function pluginsDir(names: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-dash-plugins-'));
  for (const name of names) {
    await buildPlugin(join(REPO_PLUGINS, name), { typecheck: false }); // npm run check type-checks plugins/
    mkdirSync(join(dir, name, 'dist'), { recursive: true });
    copyFileSync(join(REPO_PLUGINS, name, 'dist', 'plugin.json'), join(dir, name, 'dist', 'plugin.json'));
    copyFileSync(join(REPO_PLUGINS, name, 'dist', 'plugin.js'), join(dir, name, 'dist', 'plugin.js'));
  }
  cpSync(join(REPO_PLUGINS, 'grants.json'), join(dir, 'grants.json'));
  return dir;
}

/**
 * Starts everything a dashboard test needs, for real: the plugins built from this repository,
 * a kernel on an ephemeral port with a temp data dir and the bootstrap secret armed (no static
 * admin token: the security plugin is the only way in), the marketplace admin API, the UI
 * built from source, and the same-origin server in front.
 */
export async function startDashboardKernel(): Promise<DashboardKernel> {
  const [dir, uiDir] = await Promise.all([pluginsDir(['security', 'metrics', 'dashboard']), buildUi()]);
  process.env.OMEGA_BOOTSTRAP_SECRET = BOOTSTRAP_SECRET;
  const k = await startTempKernel({ auth: {}, plugins: { dirs: [dir], warmHosts: 0 } });
  const { marketplace } = attachMarketplace(k.kernel, { healthWindowMs: 400 });
  const ui = await serveUi(uiDir, k.url);
  const call = async <T>(method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${k.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    k,
    ui,
    marketplace,
    call,
    async bootstrapAdmin() {
      const b = await call('POST', '/api/v1/security/bootstrap', { secret: BOOTSTRAP_SECRET, ...ADMIN });
      if (b.status !== 201) throw new Error(`bootstrap: ${b.status} ${JSON.stringify(b.body)}`);
      const l = await call<{ accessToken: string }>('POST', '/api/v1/security/login', ADMIN);
      if (l.status !== 200) throw new Error(`login: ${l.status}`);
      return l.body.accessToken;
    },
    async stop() {
      await ui.close();
      await k.stop();
      removeDir(k.dataDir);
      rmSync(dir, { recursive: true, force: true });
      delete process.env.OMEGA_BOOTSTRAP_SECRET;
    },
  };
}
