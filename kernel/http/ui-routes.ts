import { isUiPath, PLUGIN_NAME_RE } from '@omega/protocol';
import type { Context } from 'hono';
import { z } from 'zod';
import { PUBLIC } from '../auth/index.js';
import { omegaError } from '../errors/index.js';
import {
  createPanelOrigins,
  PANEL_GUARD_NAME,
  type PanelOrigins,
  type PluginUi,
  UI_MEDIA_TYPES,
} from '../plugins/ui/index.js';
import { respond } from './respond.js';
import type { RouteInput, RouteSpec } from './route.js';
import { panelHeaders, shellCspFor, uiHeaders } from './ui-headers.js';

/** Where the kernel finds plugin UIs (the plugin manager). */
export interface UiSource {
  ui(name: string): { ui: PluginUi; running: boolean } | undefined;
}

/** What `GET /` answers when no dashboard runs: where the API and its document are. */
const apiPointer = z.object({
  name: z.literal('omega'),
  version: z.string().describe("The kernel's version"),
  api: z.literal('/api/v1'),
  openapi: z.literal('/api/v1/openapi.json'),
});

/** The plugin `GET /` sends a browser to when it runs. */
export const HOME_PLUGIN = 'dashboard';

const notFound = (path: string) => omegaError('OMEGA_ERR_NOT_FOUND', `No UI file ${path}.`);

/** The request's path exactly as sent (percent-encoding kept), without the query. */
function rawPath(c: Context): string {
  const url = c.req.url;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const end = url.indexOf('?', start);
  return url.slice(start, end === -1 ? undefined : end);
}

/**
 * The file a request names under `/ui/<plugin>/`, decoded one segment at a time; undefined for
 * anything that is not a plain relative path ({@link isUiPath}: no `..`, `%2e%2e`, `\`, `%5c`,
 * NUL or dot-file), so no request can name anything but a key of the in-memory file map.
 */
function fileOf(raw: string, plugin: string, entry: string): string | undefined {
  const rest = raw.slice(`/ui/${plugin}/`.length);
  if (rest === '') return entry;
  let path: string;
  try {
    path = rest.split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined; // malformed percent-encoding names no file
  }
  return isUiPath(path) ? path : undefined;
}

/** The plugin whose UI a request addresses: running, or a coded 404/503. */
function uiFor(source: UiSource, name: string | undefined): PluginUi {
  const found = name !== undefined && PLUGIN_NAME_RE.test(name) ? source.ui(name) : undefined;
  if (!found) throw omegaError('OMEGA_ERR_NOT_FOUND', `No plugin UI named "${String(name).slice(0, 64)}".`);
  if (!found.running) {
    throw omegaError(
      'OMEGA_ERR_PLUGIN_UNAVAILABLE',
      `Plugin "${name}" is not running, so neither is its UI.`,
      {
        plugin: name,
      },
    );
  }
  return found.ui;
}

/**
 * The kernel's UI routes, all public (static files; the API they call needs a token):
 * `GET /ui/:plugin/*` serves a plugin's verified UI from memory with a strict CSP, an ETag
 * (304 on If-None-Match) and `immutable` caching for hashed names, and sends the bare
 * `/ui/:plugin` to the folder form; `GET /` redirects to the dashboard when it runs, else says where the API is.
 * A plugin's panel files are served only on its own panel hosts (`origins`: `<plugin>.localhost`,
 * and the configured panel origin), framed only by the kernel's origins; everything else only off
 * panel hosts, the shell's `frame-src` naming the panel origins for the host it was reached at.
 */
export function uiRoutes(
  source: UiSource,
  facts: { version: string },
  origins: PanelOrigins = createPanelOrigins(),
): RouteSpec[] {
  const serve = (c: Context, input: RouteInput<unknown>): Response => {
    const ui = uiFor(source, c.req.param('plugin'));
    const raw = rawPath(c);
    // `/ui/<plugin>` (hono's wildcard matches it too): the folder form, which relative links need.
    if (raw === `/ui/${ui.plugin}`) {
      return respond(input, null, { status: 301, headers: { location: `/ui/${ui.plugin}/` } });
    }
    // The kernel's panel guard (a dot-file no plugin can ship, so fileOf never names it).
    const guard = `${ui.panelRoot}${PANEL_GUARD_NAME}`;
    const path = raw === `/ui/${ui.plugin}/${guard}` ? guard : fileOf(raw, ui.plugin, ui.entry);
    const asset = path === undefined ? undefined : ui.files.get(path);
    if (!asset || path === undefined) throw notFound(raw.slice(0, 200));
    // Panel files only on the plugin's own panel origin; everything else only off panel origins.
    const url = new URL(c.req.url);
    const onPanelHost = origins.isPanelHost(url.hostname);
    if (
      onPanelHost !== path.startsWith(ui.panelRoot) ||
      (onPanelHost && origins.pluginOf(url.hostname) !== ui.plugin)
    ) {
      throw notFound(raw.slice(0, 200));
    }
    const sandboxed = ui.plugin !== HOME_PLUGIN;
    const headers = onPanelHost
      ? panelHeaders(asset, origins.ancestors(url))
      : uiHeaders(asset, shellCspFor(url, sandboxed, origins.frameSrc(url)), sandboxed);
    const match = c.req.header('if-none-match');
    if (match?.split(',').some((t) => t.trim().replace(/^W\//, '') === asset.etag)) {
      return respond(input, null, { status: 304, headers });
    }
    // The Response copies the bytes (Fetch's "extract a body"): the held file is never exposed.
    // Not built with respond() (a string body only), so the kernel adds its headers itself.
    return new Response(asset.body, { status: 200, headers });
  };
  return [
    {
      method: 'GET',
      path: '/',
      permission: PUBLIC,
      owner: 'kernel',
      summary: `A browser's way in: 302 to /ui/${HOME_PLUGIN}/ when that plugin runs, else where the API is`,
      responses: {
        200: { description: 'No dashboard: links to the API', schema: apiPointer },
        302: 'To the dashboard',
      },
      handler: (_c, input) => {
        if (source.ui(HOME_PLUGIN)?.running) {
          return respond(input, null, {
            status: 302,
            headers: { location: `/ui/${HOME_PLUGIN}/`, 'cache-control': 'no-store' },
          });
        }
        const body: z.output<typeof apiPointer> = {
          name: 'omega',
          version: facts.version,
          api: '/api/v1',
          openapi: '/api/v1/openapi.json',
        };
        return respond(input, JSON.stringify(body), {
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        });
      },
    },
    {
      method: 'GET',
      path: '/ui/:plugin/*',
      permission: PUBLIC,
      owner: 'kernel',
      params: {
        plugin: {
          description: 'The plugin whose UI it is',
          schema: { type: 'string', pattern: PLUGIN_NAME_RE.source },
        },
      },
      summary:
        "A file of a plugin's static UI (declared by its manifest, verified at load, served from memory with a strict CSP)",
      responses: {
        200: {
          description: "The file, as its extension's media type (unknown ones as application/octet-stream)",
          contentType: UI_MEDIA_TYPES,
        },
        301: 'To /ui/:plugin/ (the bare /ui/:plugin)',
        304: 'Not modified (If-None-Match)',
        404: 'No such plugin UI or file',
        503: 'The plugin is not running',
      },
      handler: serve,
    },
  ];
}
