import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { type FleetAgents, startFleetAgents } from './fleet-agents.js';
import { dashUrl, openPage, signIn, type TrackedPage } from './page-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as loose JSON in these tests, as the UI does
type Doc = any;

/** A real kernel with extra plugins, real agents, Chromium and a signed-in admin page. */
export interface FleetDashboard {
  d: DashboardKernel;
  browser: Browser;
  fleet: FleetAgents;
  /** The admin's access token. */
  token: string;
  tp: TrackedPage;
  /** A JSON call to `/api/v1${path}` as the admin. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Doc }>;
  /** The body of `GET /api/v1${path}` as the admin. */
  get(path: string): Promise<Doc>;
  stop(): Promise<void>;
}

/** Options of {@link startFleetDashboard}. */
export interface FleetDashboardOptions {
  /** Repository plugins besides security, metrics and the dashboard. */
  plugins: string[];
  /** Agent names, one real `omega-agent` each. */
  agents: string[];
  /** Set the resources plugin's fast probes (default true; needs that plugin). */
  resources?: boolean;
  /** The tab the page signs in on. */
  tab: string;
  viewport?: { width: number; height: number };
  /** Runs once the agents have joined, before the page opens (wait for reports, create data). */
  ready?: (f: Pick<FleetDashboard, 'd' | 'token' | 'call' | 'get'>) => Promise<void>;
}

/**
 * Starts what the Resources, Network and Sessions view tests share: the dashboard kernel with
 * `plugins`, Chromium, the first admin, real agents joined with a minted token, then (after
 * `ready`) a tracked page signed in on `tab`. `stop` closes everything it started.
 */
export async function startFleetDashboard(o: FleetDashboardOptions): Promise<FleetDashboard> {
  const [d, browser] = await Promise.all([startDashboardKernel(o.plugins), launchChromium()]);
  let fleet: FleetAgents | undefined;
  try {
    const token = await d.bootstrapAdmin();
    const call = (method: string, path: string, body?: unknown) =>
      d.call<Doc>(method, `/api/v1${path}`, body, token);
    const get = async (path: string) => (await call('GET', path)).body;
    fleet = await startFleetAgents(d, token, o.agents, { resources: o.resources !== false });
    await o.ready?.({ d, token, call, get });
    const tp = await openPage(browser, { viewport: o.viewport ?? { width: 1400, height: 1000 } });
    await tp.page.goto(dashUrl(d.url, `tab=${o.tab}`));
    await signIn(tp.page, ADMIN.username, ADMIN.password);
    const started = fleet;
    return {
      d,
      browser,
      fleet: started,
      token,
      tp,
      call,
      get,
      async stop() {
        await browser.close();
        await started.stop();
        await d.stop();
      },
    };
  } catch (err) {
    await browser.close();
    await fleet?.stop();
    await d.stop();
    throw err;
  }
}
