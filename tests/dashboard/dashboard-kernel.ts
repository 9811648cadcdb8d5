import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachMarketplace, type Marketplace } from '../../marketplace/index.js';
import { removeAtFileEnd, removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { buildUi } from './build-ui.js';
import { type CutProxy, startCutProxy } from './cut-proxy.js';
import { REPO_PLUGINS, writeRepoPlugins } from './dashboard-plugin-dir.js';

/** The bootstrap secret the tests arm the kernel with (OMEGA_BOOTSTRAP_SECRET). */
export const BOOTSTRAP_SECRET = 'dashboard-test-bootstrap-secret-0123456789';
/** The first admin the tests create. */
export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

/** A real kernel (security, metrics and dashboard plugins, marketplace attached) serving the dashboard itself. */
export interface DashboardKernel {
  k: TempKernel;
  /** The kernel's URL: the dashboard is at `${url}/ui/dashboard/`. */
  url: string;
  /** A pass-through proxy in front of the kernel that can cut the event stream. */
  proxy: CutProxy;
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

/** The built plugins (manifest, bundle, the dashboard's sealed UI) in a fresh plugins folder with the default grants. */
async function pluginsDir(names: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-dash-plugins-'));
  removeAtFileEnd(dir); // stop() removes it; this, when the start failed half way
  await writeRepoPlugins(dir, names, await buildUi());
  cpSync(join(REPO_PLUGINS, 'grants.json'), join(dir, 'grants.json'));
  return dir;
}

/**
 * Starts everything a dashboard test needs, for real: the plugins built from this repository
 * (the dashboard with its UI built from source), a kernel on an ephemeral port with a temp data
 * dir and the bootstrap secret armed (no static admin token: the security plugin is the only way
 * in) that serves the dashboard under /ui/dashboard/, the marketplace admin API, and a
 * pass-through proxy for the tests that cut the network. `extra` adds repository plugins
 * (e.g. `nodes`, `resources`) with their default grants; `addPlugins` may add plugin folders
 * (and edit grants.json) in the plugins folder before the kernel starts.
 */
export async function startDashboardKernel(
  extra: string[] = [],
  opts: { addPlugins?: (dir: string) => Promise<void> } = {},
): Promise<DashboardKernel> {
  const dir = await pluginsDir(['security', 'metrics', ...extra, 'dashboard']);
  await opts.addPlugins?.(dir);
  process.env.OMEGA_BOOTSTRAP_SECRET = BOOTSTRAP_SECRET;
  const k = await startTempKernel({ auth: {}, plugins: { dirs: [dir], warmHosts: 0 } });
  const { marketplace } = attachMarketplace(k.kernel, { healthWindowMs: 400 });
  const proxy = await startCutProxy(k.url);
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
    url: k.url,
    proxy,
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
      await proxy.close();
      await k.stop();
      removeDir(k.dataDir);
      rmSync(dir, { recursive: true, force: true });
      delete process.env.OMEGA_BOOTSTRAP_SECRET;
    },
  };
}
