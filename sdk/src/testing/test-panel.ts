import { request } from 'node:http';
import { type ErrorCode, hasErrorCode, omegaError } from '@omega/protocol';
import { resolveRead } from '../panel/resolve-read.js';

/** What {@link testPanel} needs of the harness's kernel (`startTestKernel`'s result). */
export interface PanelTestKernel {
  url: string;
  token: string;
  name: string;
  api(path: string, init?: RequestInit & { token?: string | false }): Promise<Response>;
}

/** Options of {@link testPanel}. */
export interface TestPanelOptions {
  /**
   * The signed-in user the panel is shown to: the bearer token of the listing and of every read
   * (default: the harness's admin token). The kernel applies this user's permissions, as it does
   * to the dashboard's reads.
   */
  token?: string;
  /** The slot's context, the values of `{param}`s in declared reads (e.g. `{ id: 'node-1' }` on a node page). */
  context?: Record<string, string>;
  /**
   * Grant the panel first, as the operator does (`PUT /api/v1/plugins/<name>/panels`, which
   * reloads the plugin); default true. With false, the panel must already be granted.
   */
  grant?: boolean;
}

/** One panel as the kernel lists it for the dashboard (`GET /api/v1/ui/panels`). */
export interface ListedPanel {
  plugin: string;
  id: string;
  title: string;
  slot: string;
  /** The page's path on the plugin's panel origin. */
  path: string;
  /** The page's URL the dashboard frames (on `<plugin>.localhost` for a kernel reached on loopback). */
  url: string;
  topics: string[];
  reads: string[];
  actions: string[];
  actionPermissions: Record<string, string>;
}

/** The panel's page as the kernel served it on the panel host, with the files it loads. */
export interface ServedPanelPage {
  url: string;
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** The page as served: the kernel's guard script first. */
  html: string;
  /** The guard script's URL (the page's first script). */
  guard: string;
  /** The page's own scripts and stylesheets (absolute URLs on the panel origin), each served 200. */
  assets: string[];
}

/** A panel under test: checked declared, granted, served; its data path answered by the real kernel. */
export interface TestPanel {
  /** Its entry in the kernel's listing. */
  panel: ListedPanel;
  /** Its page as the dashboard frames it. */
  page: ServedPanelPage;
  /**
   * A read, as the panel asks the shell for it (`panel.read(path, query)`): `path` one of the
   * listed reads character for character, `{param}`s filled from `context`, `query` small plain
   * strings; answered by the kernel with the test's user. Rejects with OMEGA_ERR_PERM_DENIED for a
   * read the panel does not declare (the dashboard stops a panel that asks for one), else with
   * the API's own coded error (`status` in its extras).
   */
  read<T = unknown>(path: string, query?: Record<string, string>): Promise<T>;
}

/** One response from the panel host. */
interface HostResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * GET `url` (on `<plugin>.localhost:<port>`) from the kernel at `kernelUrl`: a `*.localhost` name
 * is loopback (RFC 6761), as the browser resolves it; the request carries the panel host's name.
 */
function getOnPanelHost(kernelUrl: string, url: string): Promise<HostResponse> {
  const target = new URL(url);
  const kernel = new URL(kernelUrl);
  if (!target.hostname.endsWith('.localhost') || target.port !== kernel.port) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `The panel URL ${url} is not on a panel host of the test kernel (${kernelUrl}).`,
      { url },
    );
  }
  return new Promise((done, fail) => {
    const req = request(
      {
        host: kernel.hostname,
        port: kernel.port,
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
          done({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** The `src` of every `<script>` and the `href` of every stylesheet `<link>` in `html`, in order. */
function pageRefs(html: string): { scripts: string[]; styles: string[] } {
  const attr = (tag: string, name: string) =>
    new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i')
      .exec(tag)
      ?.slice(1)
      .find(Boolean);
  const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => attr(m[0], 'src') ?? '');
  const styles = [...html.matchAll(/<link\b[^>]*>/gi)]
    .filter((m) => /\srel\s*=\s*["']?stylesheet/i.test(m[0]))
    .map((m) => attr(m[0], 'href') ?? '');
  return { scripts, styles };
}

/** The API's error for a failed read, as the panel would get it: its coded problem. */
async function readError(res: Response, path: string): Promise<Error> {
  const problem = (await res.json().catch(() => ({}))) as {
    code?: unknown;
    detail?: unknown;
    title?: unknown;
  };
  const code: ErrorCode = hasErrorCode(problem) ? problem.code : 'OMEGA_ERR_INTERNAL';
  const detail = String(problem.detail ?? problem.title ?? `HTTP ${res.status}`);
  return omegaError(code, `The read ${path} answered ${res.status}: ${detail}`, { status: res.status, path });
}

/**
 * Checks a plugin's dashboard panel through the real kernel of `startTestKernel` (issue #19), as
 * far as a test outside a browser can: grants it as the operator does (unless `grant: false`);
 * finds it in the kernel's listing for the dashboard (`GET /api/v1/ui/panels`: declared by the
 * manifest, granted, plugin running; a plugin whose `ui/` does not match its sealed `ui.integrity`
 * never gets this far, the kernel refuses to load it); fetches its page from the listed `url` on
 * the panel host as the dashboard's frame does and checks the kernel's guard script comes first,
 * the panel CSP (`connect-src 'none'`, `sandbox allow-scripts`, framed by the kernel's own
 * origin) is on it, and every script and stylesheet it loads is served. `read` then answers the panel's declared reads exactly as the
 * shell resolves them (`resolveRead`), with the test's user. Rejects with a coded error naming
 * what failed and what to do.
 *
 * What it does not check: the panel's code running in a browser frame (the frame's isolation,
 * the MessagePort protocol, the byte budget and the user's confirmation of actions are the
 * kernel's and the dashboard's, tested in Chromium in the Omega repository); that the panel's
 * code asks only for the reads it declares (your test calls `read` with the paths your panel uses).
 */
export async function testPanel(
  k: PanelTestKernel,
  panelId: string,
  opts: TestPanelOptions = {},
): Promise<TestPanel> {
  const token = opts.token ?? k.token;
  const list = async (): Promise<ListedPanel[]> => {
    const res = await k.api('/api/v1/ui/panels', { token });
    if (!res.ok) throw await readError(res, '/api/v1/ui/panels');
    return ((await res.json()) as { items: ListedPanel[] }).items.filter((p) => p.plugin === k.name);
  };
  if (opts.grant !== false) {
    const granted = (await list()).map((p) => p.id);
    const res = await k.api(`/api/v1/plugins/${k.name}/panels`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ panels: [...new Set([...granted, panelId])] }),
      token: k.token,
    });
    if (!res.ok) {
      const err = await readError(res, `/api/v1/plugins/${k.name}/panels`);
      throw omegaError(
        res.status === 400 ? 'OMEGA_ERR_NOT_FOUND' : 'OMEGA_ERR_INTERNAL',
        `Could not grant the panel "${panelId}" of "${k.name}": ${err.message}; declare it under ui.panels in plugin.json and rebuild.`,
        { plugin: k.name, panel: panelId },
      );
    }
  }
  const listed = await list();
  const panel = listed.find((p) => p.id === panelId);
  if (!panel) {
    throw omegaError(
      'OMEGA_ERR_NOT_FOUND',
      `The kernel lists no panel "${panelId}" of "${k.name}" for the dashboard (it lists: ${listed.map((p) => p.id).join(', ') || 'none'}); declare it under ui.panels in plugin.json and grant it.`,
      { plugin: k.name, panel: panelId },
    );
  }
  const served = await getOnPanelHost(k.url, panel.url);
  const bad = (what: string) =>
    omegaError('OMEGA_ERR_VALIDATION', `The panel page ${panel.url} ${what}.`, {
      plugin: k.name,
      panel: panelId,
      url: panel.url,
    });
  if (served.status !== 200) throw bad(`answered ${served.status} on the panel host`);
  const csp = served.headers['content-security-policy'] ?? '';
  if (!/(^|;)\s*connect-src 'none'/.test(csp) || !/(^|;)\s*sandbox allow-scripts\s*(;|$)/.test(csp))
    throw bad(`is not served with the panel CSP (got: ${csp || 'none'})`);
  const ancestors = /(?:^|;)\s*frame-ancestors ([^;]*)/.exec(csp)?.[1]?.split(/\s+/) ?? [];
  if (!ancestors.includes(new URL(k.url).origin))
    throw bad(
      `may not be framed by the kernel's dashboard at ${new URL(k.url).origin} (frame-ancestors: ${ancestors.join(' ') || 'none'})`,
    );
  const html = served.body.toString('utf8');
  const { scripts, styles } = pageRefs(html);
  const guard = scripts[0] ? new URL(scripts[0], panel.url).href : '';
  if (!guard.endsWith('/.omega-panel-guard.js')) throw bad("does not load the kernel's guard script first");
  const assets: string[] = [];
  for (const ref of [...scripts, ...styles]) {
    if (ref === '') throw bad('has an inline script, which its CSP blocks; load it from a file');
    const url = new URL(ref, panel.url);
    if (url.origin !== new URL(panel.url).origin)
      throw bad(`loads ${url.href} from another origin, which its CSP blocks; bundle it into ui/`);
    const file = await getOnPanelHost(k.url, url.href);
    if (file.status !== 200)
      throw bad(
        `loads ${url.pathname}, which the kernel answers ${file.status}: is it built into ui/ before the build seals it?`,
      );
    if (url.href !== guard) assets.push(url.href);
  }
  const context = opts.context ?? {};
  return {
    panel,
    page: { url: panel.url, status: served.status, headers: served.headers, html, guard, assets },
    async read<T>(path: string, query?: Record<string, string>): Promise<T> {
      const resolved = resolveRead(path, panel.reads, context, query);
      if (resolved === undefined) {
        throw omegaError(
          'OMEGA_ERR_PERM_DENIED',
          `The panel "${k.name}/${panelId}" may not read ${String(path).slice(0, 200)}: it declares ${panel.reads.join(', ') || 'no reads'} (the dashboard stops a panel that asks for another read, a {param} its slot does not give, or a query that is not up to 8 short strings); declare the read under ui.panels in plugin.json.`,
          { plugin: k.name, panel: panelId, read: String(path).slice(0, 200), declared: panel.reads },
        );
      }
      const res = await k.api(`/api/v1${resolved}`, { token });
      if (!res.ok) throw await readError(res, `/api/v1${resolved}`);
      const text = await res.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
  };
}
