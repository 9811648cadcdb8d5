/** The kernel's agent endpoint, relative to its base URL. */
export const AGENT_CONNECT_PATH = '/api/v1/agents/connect';

/**
 * The WebSocket URL of the agent endpoint for a kernel URL: http → ws, https → wss, the
 * endpoint path appended to any base path (a kernel behind a prefixing proxy).
 */
export function connectUrl(server: string): URL {
  const u = new URL(server);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new TypeError(`not a kernel URL: ${server}`);
  const base = u.pathname.replace(/\/+$/, '');
  u.pathname = base.endsWith(AGENT_CONNECT_PATH) ? base : `${base}${AGENT_CONNECT_PATH}`;
  u.search = '';
  u.hash = '';
  return u;
}

/** True when the URL's host is a loopback address or localhost (a join token may travel there in clear). */
export function isLoopbackUrl(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}
