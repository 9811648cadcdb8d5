import { PLUGIN_NAME_RE } from '@omega/protocol';

/** The placeholder a panel origin pattern names the plugin with: it must be the host's whole first label. */
export const PLUGIN_PLACEHOLDER = '{plugin}';

/** A parsed panel origin pattern, e.g. `https://{plugin}.panels.example.com`. */
export interface PanelOriginPattern {
  /** `https:` (or `http:` for a `*.localhost` pattern). */
  protocol: string;
  /** What follows the plugin's label in the host, with its dot: `.panels.example.com`. */
  suffix: string;
  /** `:8443`, or '' for the scheme's default port. */
  port: string;
}

/** True for host names every browser resolves to this machine: `localhost`, `*.localhost`, loopback IPs. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '[::1]' ||
    h === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(h)
  );
}

/**
 * Parses a panel origin pattern; a string saying what is wrong with it otherwise. The pattern is
 * an origin whose host's first label is exactly `{plugin}` (one wildcard DNS name and one
 * wildcard certificate, `*.panels.example.com`, cover every plugin; a certificate wildcard and
 * CSP's host wildcard both stand for exactly one whole label), `https:` unless the host is under
 * `.localhost`, no path, query, fragment or credentials, `{plugin}` nowhere else.
 */
export function parsePanelOriginPattern(pattern: string): PanelOriginPattern | string {
  const m = /^([a-z][a-z0-9+.-]*:)\/\/\{plugin\}(\.[^/:?#@{}]+)(:\d{1,5})?\/?$/i.exec(pattern);
  if (!m) {
    return pattern.includes(PLUGIN_PLACEHOLDER)
      ? 'must be an origin whose host starts with "{plugin}." as its whole first label (e.g. "https://{plugin}.panels.example.com"), with no path, query or credentials'
      : 'must contain "{plugin}" as the first label of the host, e.g. "https://{plugin}.panels.example.com"';
  }
  const [, protocol = '', suffix = '', port = ''] = m;
  let url: URL;
  try {
    url = new URL(`${protocol}//x${suffix}${port}`);
  } catch {
    return 'must be a valid origin once "{plugin}" is replaced by a plugin name';
  }
  // The URL parser lower-cases and punycodes; what it would change is not what the operator meant.
  if (`.${url.hostname.slice(2)}` !== suffix.toLowerCase() || suffix.split('.').some((l, i) => i > 0 && !l))
    return 'must have a plain host name (letters, digits, "-" and dots, no empty label)';
  const lower = url.protocol.toLowerCase();
  if (lower !== 'https:' && !(lower === 'http:' && url.hostname.endsWith('.localhost')))
    return 'must be https (http only for a host under .localhost): panels of remote browsers need TLS';
  return { protocol: lower, suffix: suffix.toLowerCase(), port: url.port ? `:${url.port}` : '' };
}

/** The plugin whose panel host `hostname` is under `pattern`, or undefined. */
export function pluginOfPanelHost(pattern: PanelOriginPattern, hostname: string): string | undefined {
  const h = hostname.toLowerCase();
  if (!h.endsWith(pattern.suffix)) return undefined;
  const name = h.slice(0, -pattern.suffix.length);
  return PLUGIN_NAME_RE.test(name) ? name : undefined;
}

/**
 * What is wrong with the kernel's `ui` origins together, one line each (empty: nothing). A
 * panel origin needs the kernel's public origin (panels name it in `frame-ancestors`); the public
 * origin is `https:` unless on a loopback host; no plugin's panel host may be the kernel's own
 * host (its panels would share the shell's origin, and every guarantee of issue #19 with it).
 */
export function uiOriginProblems(ui: {
  publicOrigin?: string | undefined;
  panelOrigin?: string | undefined;
}): Array<{ field: 'publicOrigin' | 'panelOrigin'; message: string }> {
  const problems: Array<{ field: 'publicOrigin' | 'panelOrigin'; message: string }> = [];
  let publicUrl: URL | undefined;
  if (ui.publicOrigin !== undefined) {
    try {
      publicUrl = new URL(ui.publicOrigin);
    } catch {
      problems.push({
        field: 'publicOrigin',
        message: 'must be an origin such as "https://omega.example.com"',
      });
    }
    if (publicUrl) {
      if (publicUrl.href !== `${publicUrl.origin}/`)
        problems.push({
          field: 'publicOrigin',
          message: 'must be an origin only (scheme, host, port): no path, query or credentials',
        });
      else if (
        publicUrl.protocol !== 'https:' &&
        !(publicUrl.protocol === 'http:' && isLoopbackHost(publicUrl.hostname))
      )
        problems.push({ field: 'publicOrigin', message: 'must be https (http only on a loopback host)' });
      else if (
        publicUrl.hostname.endsWith('.localhost') &&
        PLUGIN_NAME_RE.test(publicUrl.hostname.split('.')[0] ?? '')
      )
        problems.push({
          field: 'publicOrigin',
          message: `is the local panel host of plugin "${publicUrl.hostname.split('.')[0]}": use http://127.0.0.1 or localhost`,
        });
    }
  }
  if (ui.panelOrigin === undefined) return problems;
  const pattern = parsePanelOriginPattern(ui.panelOrigin);
  if (typeof pattern === 'string') {
    problems.push({ field: 'panelOrigin', message: pattern });
    return problems;
  }
  if (ui.publicOrigin === undefined) {
    problems.push({
      field: 'panelOrigin',
      message:
        'needs ui.publicOrigin too (the origin browsers open the dashboard at): panels may be framed only by it',
    });
  } else if (publicUrl && pluginOfPanelHost(pattern, publicUrl.hostname) !== undefined) {
    problems.push({
      field: 'panelOrigin',
      message: `would serve plugin "${pluginOfPanelHost(pattern, publicUrl.hostname)}"'s panels on the kernel's own origin (${publicUrl.origin}): choose a panel domain the kernel's host is not under`,
    });
  }
  return problems;
}
