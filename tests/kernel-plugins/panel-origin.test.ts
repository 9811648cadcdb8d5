import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../kernel/config/index.js';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { removeDir, startTempKernel, TEST_ADMIN_TOKEN, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { writePluginUi } from '../helpers/write-plugin-ui.js';

const PUBLIC = 'https://omega.example.test';
const PATTERN = 'https://{plugin}.panels.example.test';

/** The config error's field lines for `ui`, or 'accepted'. */
function refusal(ui: Record<string, string>): string {
  try {
    parseConfig({ ui });
  } catch (err) {
    expect(hasErrorCode(err, 'OMEGA_ERR_CONFIG_INVALID')).toBe(true);
    return ((err as { extras: { errors: string[] } }).extras.errors ?? []).join('; ');
  }
  return 'accepted';
}

describe('the panel origin setting (ui.panelOrigin, ui.publicOrigin)', () => {
  it('accepts an https wildcard pattern with the public origin, and an http one under .localhost', () => {
    expect(refusal({ publicOrigin: PUBLIC, panelOrigin: PATTERN })).toBe('accepted');
    expect(
      refusal({ publicOrigin: `${PUBLIC}/`, panelOrigin: 'https://{plugin}.panels.example.test:8443/' }),
    ).toBe('accepted');
    expect(
      refusal({
        publicOrigin: 'http://127.0.0.1:7700',
        panelOrigin: 'http://{plugin}.panels.localhost:7700',
      }),
    ).toBe('accepted');
    expect(parseConfig({ ui: { publicOrigin: `${PUBLIC}/` } }).ui.publicOrigin).toBe(PUBLIC);
    expect(parseConfig({}).ui).toEqual({});
  });

  it('refuses at start: not https, no {plugin} first label, the kernel on a panel host, no public origin', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { publicOrigin: PUBLIC, panelOrigin: 'http://{plugin}.panels.example.test' },
        /ui\.panelOrigin: must be https/,
      ],
      [
        { publicOrigin: PUBLIC, panelOrigin: 'https://panels.example.test' },
        /ui\.panelOrigin: must contain "\{plugin\}"/,
      ],
      [
        { publicOrigin: PUBLIC, panelOrigin: 'https://panels.{plugin}.example.test' },
        /ui\.panelOrigin: must be an origin whose host starts/,
      ],
      [
        { publicOrigin: PUBLIC, panelOrigin: 'https://x-{plugin}.example.test' },
        /ui\.panelOrigin: must be an origin whose host starts/,
      ],
      [
        { publicOrigin: PUBLIC, panelOrigin: 'https://{plugin}.example.test/panels' },
        /ui\.panelOrigin: must be an origin/,
      ],
      [
        { publicOrigin: PUBLIC, panelOrigin: 'https://{plugin}.{plugin}.example.test' },
        /ui\.panelOrigin: must be an origin/,
      ],
      [{ publicOrigin: PUBLIC, panelOrigin: 'https://u:p@{plugin}.example.test' }, /ui\.panelOrigin/],
      [
        { publicOrigin: PUBLIC, panelOrigin: 'https://{plugin}..example.test' },
        /ui\.panelOrigin: must have a plain host/,
      ],
      [{ publicOrigin: PUBLIC, panelOrigin: 'https://{plugin}' }, /ui\.panelOrigin/],
      [
        { publicOrigin: PUBLIC, panelOrigin: 'javascript://{plugin}.x.test' },
        /ui\.panelOrigin: must be https/,
      ],
      // omega.example.test is itself the panel host of a plugin named "omega".
      [{ publicOrigin: PUBLIC, panelOrigin: 'https://{plugin}.example.test' }, /kernel's own origin/],
      [{ panelOrigin: PATTERN }, /ui\.panelOrigin: needs ui\.publicOrigin/],
      [{ publicOrigin: 'http://omega.example.test' }, /ui\.publicOrigin: must be https/],
      [{ publicOrigin: 'https://omega.example.test/dash' }, /ui\.publicOrigin: must be an origin only/],
      [{ publicOrigin: 'omega.example.test' }, /ui\.publicOrigin: must be an origin/],
      [{ publicOrigin: 'http://dashboard.localhost:7700' }, /local panel host of plugin "dashboard"/],
    ];
    for (const [ui, message] of cases)
      expect([ui, refusal(ui)]).toEqual([ui, expect.stringMatching(message)]);
  });

  it('reads both from the environment', () => {
    const config = loadConfig({ env: { OMEGA_UI_PUBLIC_ORIGIN: PUBLIC, OMEGA_UI_PANEL_ORIGIN: PATTERN } });
    expect(config.ui).toEqual({ publicOrigin: PUBLIC, panelOrigin: PATTERN });
    expect(() => loadConfig({ env: { OMEGA_UI_PANEL_ORIGIN: 'https://panels.example.test' } })).toThrow(
      /ui\.panelOrigin/,
    );
  });
});

/** GET `path` from the kernel with the Host header `host` (what a browser behind the DNS name sends). */
function get(
  port: number,
  host: string,
  path: string,
  token?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: { host, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A real kernel with a configured panel origin and two plugins with panels, asked under each Host. */
describe('a kernel with a configured panel origin serves panels on it, framed only by its public origin', () => {
  let k: TempKernel;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omega-panel-origin-'));
    for (const name of ['charts', 'other']) {
      writePluginDir(dir, name, 'export const plugin = {};\n', {});
      await writePluginUi(
        join(dir, name),
        'ui',
        {
          'index.html': `<!doctype html><title>${name}</title>`,
          'panels/a/index.html': '<!doctype html><script src="./p.js"></script>',
          'panels/a/p.js': '',
        },
        { panels: [{ id: 'a', title: 'A', slot: 'dashboard', entry: 'panels/a/index.html' }] },
      );
    }
    writeFileSync(
      join(dir, 'grants.json'),
      JSON.stringify({
        charts: { granted: [], denied: [], panels: ['a'] },
        other: { granted: [], denied: [], panels: ['a'] },
      }),
    );
    k = await startTempKernel({
      plugins: { dirs: [dir], warmHosts: 0 },
      ui: { publicOrigin: PUBLIC, panelOrigin: PATTERN },
    });
  });

  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(dir);
  });

  const page = '/ui/charts/panels/a/index.html';

  it("serves a plugin's panel on its host under the pattern, framed only by the public origin", async () => {
    const res = await get(k.kernel.port, 'charts.panels.example.test', page);
    expect(res.status).toBe(200);
    expect(res.body).toContain('.omega-panel-guard.js');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain(`frame-ancestors ${PUBLIC};`);
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain('sandbox allow-scripts');
    // Behind a TLS proxy the Host may carry the port: the host name decides.
    expect((await get(k.kernel.port, 'charts.panels.example.test:443', page)).status).toBe(200);
    // Still on <plugin>.localhost for a browser on this machine, framed by the loopback origins.
    const local = await get(k.kernel.port, `charts.localhost:${k.kernel.port}`, page);
    expect(local.status).toBe(200);
    expect(String(local.headers['content-security-policy'])).toContain(
      `frame-ancestors http://127.0.0.1:${k.kernel.port} http://localhost:${k.kernel.port} http://[::1]:${k.kernel.port};`,
    );
  });

  it("answers 404 for a panel on another plugin's host, a deeper host, and the shell's files on a panel host", async () => {
    expect((await get(k.kernel.port, 'other.panels.example.test', page)).status).toBe(404);
    expect((await get(k.kernel.port, 'x.charts.panels.example.test', page)).status).toBe(404);
    expect((await get(k.kernel.port, 'panels.example.test', page)).status).toBe(404);
    expect((await get(k.kernel.port, 'charts.panels.example.test', '/ui/charts/index.html')).status).toBe(
      404,
    );
    // ...and the panel's files on the kernel's own origin.
    expect((await get(k.kernel.port, 'omega.example.test', page)).status).toBe(404);
  });

  it("the shell's frame-src names the panel origin for the host it was reached at", async () => {
    const remote = await get(k.kernel.port, 'omega.example.test', '/ui/charts/index.html');
    expect(remote.status).toBe(200);
    expect(String(remote.headers['content-security-policy'])).toContain(
      'frame-src https://*.panels.example.test;',
    );
    const local = await get(k.kernel.port, `127.0.0.1:${k.kernel.port}`, '/ui/charts/index.html');
    expect(String(local.headers['content-security-policy'])).toContain(
      `frame-src http://*.localhost:${k.kernel.port};`,
    );
  });

  it('GET /api/v1/ui/panels gives each panel its URL on the origin that fits the browser', async () => {
    const urls = async (host: string) =>
      (
        JSON.parse((await get(k.kernel.port, host, '/api/v1/ui/panels', TEST_ADMIN_TOKEN)).body) as {
          items: Array<{ plugin: string; url: string }>;
        }
      ).items.map((p) => [p.plugin, p.url]);
    expect(await urls('omega.example.test')).toEqual([
      ['charts', `https://charts.panels.example.test${page}`],
      ['other', 'https://other.panels.example.test/ui/other/panels/a/index.html'],
    ]);
    expect(await urls(`127.0.0.1:${k.kernel.port}`)).toEqual([
      ['charts', `http://charts.localhost:${k.kernel.port}${page}`],
      ['other', `http://other.localhost:${k.kernel.port}/ui/other/panels/a/index.html`],
    ]);
  });

  it('a kernel with a pattern that would put panels on its own origin does not start', async () => {
    await expect(
      startTempKernel({
        plugins: { dirs: [dir], warmHosts: 0 },
        ui: { publicOrigin: PUBLIC, panelOrigin: 'https://{plugin}.example.test' },
      }),
    ).rejects.toThrow(/ui\.panelOrigin: would serve plugin "omega"'s panels on the kernel's own origin/);
  });
});
