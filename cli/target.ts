import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { adminTokenPath } from '../kernel/index.js';

/** The kernel URL the CLI talks to: flag, then env, then the default. */
export function resolveCliUrl(values: Record<string, unknown>): string {
  if (typeof values.url === 'string') return values.url.replace(/\/+$/, '');
  return (process.env.OMEGA_URL ?? `http://127.0.0.1:${process.env.OMEGA_PORT ?? 7700}`).replace(/\/+$/, '');
}

/** True for a URL whose host is this machine (the only place a local token file is meant for). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The token to send: `--token`, then $OMEGA_ADMIN_TOKEN, then `<data-dir>/admin-token` — the
 * file only for a kernel on this machine, so a wrong --url never receives the local secret.
 * Refuses to send any token in clear text to another host.
 */
export function resolveCliToken(
  values: Record<string, unknown>,
  url = resolveCliUrl(values),
): string | undefined {
  const loopback = isLoopbackUrl(url);
  let token: string | undefined;
  if (typeof values.token === 'string') token = values.token;
  else if (process.env.OMEGA_ADMIN_TOKEN) token = process.env.OMEGA_ADMIN_TOKEN;
  else if (loopback) {
    const file = adminTokenPath(
      resolve(String(values['data-dir'] ?? process.env.OMEGA_DATA_DIR ?? './data')),
    );
    if (existsSync(file)) token = readFileSync(file, 'utf8').trim();
  }
  if (token && !loopback && url.startsWith('http:')) {
    throw new Error(`refusing to send a token over plain http to ${new URL(url).host}; use https`);
  }
  return token;
}
