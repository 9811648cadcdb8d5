import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../helpers/self-signed-cert.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { buildUi } from './build-ui.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from './chromium.js';
import { ADMIN, BOOTSTRAP_SECRET } from './dashboard-kernel.js';
import { REPO_PLUGINS, writeRepoPlugins } from './dashboard-plugin-dir.js';
import { dashUrl, openPage, signIn, type TrackedPage } from './page-helpers.js';
import { grantPanels, writePanelPlugin } from './panel-fixtures.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP remote panel origin tests: ${skip}`);

/** A free TCP port on loopback (the public origin names the port, so it is chosen before the kernel starts). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * What a remote operator's browser does, on this machine: the kernel serves HTTPS (a self-signed
 * certificate) with `ui.publicOrigin https://omega.test:<port>` and `ui.panelOrigin
 * https://{plugin}.panels.test:<port>`; Chromium resolves both names to loopback
 * (`--host-resolver-rules`, so no DNS and no traffic leaves the machine) and opens the dashboard at
 * the public name. The panels must come from the configured panel origin, load, and get their port.
 */
describe.skipIf(skip !== null)('panels on a configured panel origin, in Chromium over HTTPS', () => {
  let k: TempKernel;
  let browser: Browser;
  let tp: TrackedPage;
  let dir: string;
  let certDir: string;
  let port: number;
  let ca: Buffer;

  /** JSON over HTTPS to the kernel at 127.0.0.1, trusting exactly its certificate. */
  const call = (method: string, path: string, body?: unknown, token?: string, host?: string) =>
    new Promise<{ status: number; body: Record<string, unknown>; csp: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          ca,
          servername: 'localhost', // the certificate's name; the Host header below may be any

          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(host ? { host } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            const json = (res.headers['content-type'] ?? '').includes('json');
            resolve({
              status: res.statusCode ?? 0,
              body: json && text ? JSON.parse(text) : {},
              csp: String(res.headers['content-security-policy'] ?? ''),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'omega-remote-cert-'));
    const tls = selfSignedCert(certDir);
    ca = readFileSync(tls.cert);
    dir = mkdtempSync(join(tmpdir(), 'omega-remote-plugins-'));
    await writeRepoPlugins(dir, ['security', 'metrics', 'dashboard'], await buildUi());
    cpSync(join(REPO_PLUGINS, 'grants.json'), join(dir, 'grants.json'));
    await writePanelPlugin(dir, 'remotep', [
      {
        id: 'hello',
        js: "globalThis.__omega.then(({ port, init }) => { __out.init = init.type; port.postMessage({ type: 'ready' }); });",
      },
    ]);
    grantPanels(dir, 'remotep', ['hello']);
    port = await freePort();
    process.env.OMEGA_BOOTSTRAP_SECRET = BOOTSTRAP_SECRET;
    const args = [
      ...CHROMIUM_ARGS,
      '--host-resolver-rules=MAP omega.test 127.0.0.1, MAP *.panels.test 127.0.0.1',
      '--ignore-certificate-errors',
    ];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    [k, browser] = await Promise.all([
      startTempKernel({
        port,
        tls,
        auth: {},
        plugins: { dirs: [dir], warmHosts: 0 },
        ui: {
          publicOrigin: `https://omega.test:${port}`,
          panelOrigin: `https://{plugin}.panels.test:${port}`,
        },
      }),
      chromium.launch({ executablePath: CHROMIUM, args, headless: true }),
    ]);
    const b = await call('POST', '/api/v1/security/bootstrap', { secret: BOOTSTRAP_SECRET, ...ADMIN });
    expect(b.status).toBe(201);
    tp = await openPage(browser, { ignoreHTTPSErrors: true });
    await tp.page.goto(dashUrl(`https://omega.test:${port}`, 'tab=dashboard'));
    await signIn(tp.page, ADMIN.username, ADMIN.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (certDir) rmSync(certDir, { recursive: true, force: true });
    delete process.env.OMEGA_BOOTSTRAP_SECRET;
  });

  it('the shell at the public name frames the panel from its own host under the pattern; it loads and gets its port', async () => {
    const { page } = tp;
    const frame = page.locator('[data-panel="remotep/hello"] iframe.panel-frame');
    await frame.waitFor({ timeout: 30_000 });
    const src = (await frame.getAttribute('src')) ?? '';
    expect(src).toMatch(
      new RegExp(
        `^https://remotep\\.panels\\.test:${port}/ui/remotep/panels/hello/index\\.html#omega-frame=[0-9a-f]{32}$`,
      ),
    );
    await expect
      .poll(() => page.locator('[data-panel="remotep/hello"]').getAttribute('data-panel-state'), {
        timeout: 30_000,
      })
      .toBe('live');
    const panelFrame = (): Frame | undefined =>
      page.frames().find((f) => f.url().includes('//remotep.panels.test:'));
    await expect
      .poll(
        async () =>
          (await panelFrame()?.evaluate(
            () => (globalThis as unknown as { __out: { init?: string } }).__out.init,
          )) ?? null,
        {
          timeout: 20_000,
        },
      )
      .toBe('init');
    // The guard took the nonce out of the panel's URL before the panel's scripts ran.
    expect(panelFrame()?.url()).not.toContain('omega-frame');
    // The shell's policy names the configured panel origin, and nothing was refused on the way.
    const csp = await page.evaluate(
      (url) => fetch(url).then((r) => r.headers.get('content-security-policy') ?? ''),
      dashUrl(`https://omega.test:${port}`),
    );
    expect(csp).toContain(`frame-src https://*.panels.test:${port};`);
    expect(tp.cspViolations).toEqual([]);
    expect(tp.pageErrors).toEqual([]);
  });

  it('the panel page is framed only by the public origin: opened under a shell on another origin, Chromium refuses it', async () => {
    const res = await call(
      'GET',
      '/ui/remotep/panels/hello/index.html',
      undefined,
      undefined,
      `remotep.panels.test:${port}`,
    );
    expect(res.status).toBe(200);
    expect(res.csp).toContain(`frame-ancestors https://omega.test:${port};`);
    // A page of any other origin (here a blank page's) cannot frame it.
    const other = await openPage(browser, { ignoreHTTPSErrors: true });
    await other.page.setContent(
      `<iframe id="f" src="https://remotep.panels.test:${port}/ui/remotep/panels/hello/index.html"></iframe>`,
    );
    await expect
      .poll(() => other.cspViolations.concat(other.pageErrors).join(' '), { timeout: 10_000 })
      .toMatch(/frame-ancestors https:\/\/omega\.test:\d+".*blocked/);
    console.log(`framed by another origin: ${other.cspViolations.join(' | ').slice(0, 300)}`);
    await other.context.close();
  });
});
