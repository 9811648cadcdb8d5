/** Where the kernel accepts connections, from its URL: the host and TCP port to time handshakes to. */
export interface KernelTarget {
  host: string;
  port: number;
}

/** The kernel's host and port from its URL (`http(s)://` or `ws(s)://`), or undefined for anything else. */
export function kernelTarget(server: string | undefined): KernelTarget | undefined {
  if (!server || !URL.canParse(server)) return undefined;
  const u = new URL(server);
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  if (!secure && u.protocol !== 'http:' && u.protocol !== 'ws:') return undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port === '' ? (secure ? 443 : 80) : Number(u.port);
  return host === '' ? undefined : { host, port };
}
