import { PLUGIN_NAME_RE } from '@omega/protocol';
import {
  isLoopbackHost,
  type PanelOriginPattern,
  parsePanelOriginPattern,
  pluginOfPanelHost,
} from '../../config/panel-origin-pattern.js';
import { omegaError } from '../../errors/index.js';

/**
 * Where the kernel serves plugin panels and who may frame them (issue #19): on
 * `<plugin>.localhost:<port>` for a browser on this machine, and on the configured panel origin
 * (`ui.panelOrigin`, e.g. `https://{plugin}.panels.example.com`) for remote browsers, framed only
 * by the kernel's public origin (`ui.publicOrigin`).
 */
export interface PanelOrigins {
  /** True when a request to `hostname` is for panels (any `*.localhost` name, any host under the panel domain). */
  isPanelHost(hostname: string): boolean;
  /** The plugin whose panel host `hostname` is, or undefined. */
  pluginOf(hostname: string): string | undefined;
  /**
   * The origin of `plugin`'s panels for a shell reached at `shell`: the configured panel origin
   * when the shell is reached at a name that is not loopback and one is configured, else
   * `<plugin>.localhost` on the shell's scheme and port.
   */
  originFor(plugin: string, shell: URL): string;
  /** The shell's CSP `frame-src` source for a shell reached at `shell` (every plugin's panel origin there). */
  frameSrc(shell: URL): string;
  /** The panel's CSP `frame-ancestors` for a panel reached at `panel`: the kernel origins that may frame it. */
  ancestors(panel: URL): string;
}

const portOf = (url: URL): string => (url.port ? `:${url.port}` : '');

/** The kernel's own loopback origins on a request's scheme and port (who frames `*.localhost` panels). */
function loopbackOrigins(url: URL): string {
  return ['127.0.0.1', 'localhost', '[::1]'].map((h) => `${url.protocol}//${h}${portOf(url)}`).join(' ');
}

/** The plugin of a `<plugin>.localhost` host, or undefined. */
function localPluginOf(hostname: string): string | undefined {
  const h = hostname.toLowerCase();
  if (!h.endsWith('.localhost')) return undefined;
  const name = h.slice(0, -'.localhost'.length);
  return PLUGIN_NAME_RE.test(name) ? name : undefined;
}

/**
 * The kernel's panel origins from its `ui` config (already validated by the config schema; an
 * invalid pattern here is a programming error and throws OMEGA_ERR_CONFIG_INVALID).
 */
export function createPanelOrigins(ui: { publicOrigin?: string; panelOrigin?: string } = {}): PanelOrigins {
  let pattern: PanelOriginPattern | undefined;
  if (ui.panelOrigin !== undefined) {
    const parsed = parsePanelOriginPattern(ui.panelOrigin);
    if (typeof parsed === 'string')
      throw omegaError('OMEGA_ERR_CONFIG_INVALID', `ui.panelOrigin ${parsed}.`, { field: 'ui.panelOrigin' });
    pattern = parsed;
  }
  const configured = (url: URL): PanelOriginPattern | undefined =>
    pattern && !isLoopbackHost(url.hostname) ? pattern : undefined;
  return {
    isPanelHost: (hostname) =>
      hostname.toLowerCase().endsWith('.localhost') ||
      (pattern !== undefined && hostname.toLowerCase().endsWith(pattern.suffix)),
    pluginOf: (hostname) =>
      (pattern ? pluginOfPanelHost(pattern, hostname) : undefined) ?? localPluginOf(hostname),
    originFor(plugin, shell) {
      const p = configured(shell);
      return p
        ? `${p.protocol}//${plugin}${p.suffix}${p.port}`
        : `${shell.protocol}//${plugin}.localhost${portOf(shell)}`;
    },
    frameSrc(shell) {
      const p = configured(shell);
      // CSP needs the port when it is not the scheme's default.
      const port = shell.port || (shell.protocol === 'https:' ? '443' : '80');
      return p ? `${p.protocol}//*${p.suffix}${p.port}` : `${shell.protocol}//*.localhost:${port}`;
    },
    ancestors(panel) {
      if (pattern && pluginOfPanelHost(pattern, panel.hostname) !== undefined && ui.publicOrigin)
        return ui.publicOrigin;
      return loopbackOrigins(panel);
    },
  };
}
