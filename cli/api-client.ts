import { readCliConfig, writeCliConfig } from './config/cli-config.js';
import { connectErrorText } from './connect-error-text.js';
import type { ConnectionErrorCode } from './connection-error-codes.js';
import { type CliTarget, resolveTarget } from './target.js';

/** A failed API call, printed by the CLI as one line. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** The problem document's extras (e.g. a consent plan), when the kernel sent them. */
    readonly problem: Record<string, unknown> = {},
    /** The HTTP status of the answer, when there was one. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** Refresh a session's access token this long before it expires, ms. */
const REFRESH_MARGIN_MS = 30_000;

/** One HTTP exchange with the kernel, as data: status and parsed JSON (or text). */
async function exchange(
  url: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  timeoutMs = 120_000,
): Promise<{ status: number; data: unknown }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const bytes = body instanceof Uint8Array;
  if (body !== undefined) headers['content-type'] = bytes ? 'application/octet-stream' : 'application/json';
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: bytes ? body : JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError')
      throw new ApiError(
        `${url} did not answer ${method} ${pathOnly(path)} within ${Math.round(timeoutMs / 1000)} s; retry, or check the kernel's log`,
        'TIMEOUT' satisfies ConnectionErrorCode,
      );
    const { message, code } = connectErrorText(url, e);
    throw new ApiError(message, code);
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // Every answer of a kernel's API is JSON: an HTML page is a web server, a proxy, or another service.
    throw new ApiError(
      `the server at ${url} does not answer as an Omega kernel (${method} ${pathOnly(path)}: HTTP ${res.status}, not JSON); check --url and its port`,
      'NOT_OMEGA' satisfies ConnectionErrorCode,
      {},
      res.status,
    );
  }
  return { status: res.status, data };
}

/** A request path without its query (which may hold a cursor or a search text). */
const pathOnly = (path: string): string => path.split('?')[0]!;

/**
 * A session's access token, refreshed (and the rotated refresh token saved) when it is about to
 * expire. Undefined when the refresh is refused: the session is over.
 */
async function sessionToken(target: CliTarget): Promise<string | undefined> {
  const ctx = target.context;
  const auth = ctx?.value.auth;
  if (!ctx || auth?.kind !== 'session') return target.credential?.token;
  if (auth.accessExpiresAt - REFRESH_MARGIN_MS > Date.now()) return auth.accessToken;
  const r = await exchange(target.url, 'POST', '/api/v1/security/refresh', undefined, {
    refreshToken: auth.refreshToken,
  });
  if (r.status !== 200) return undefined;
  const pair = r.data as { accessToken: string; refreshToken: string; expiresIn: number };
  const config = readCliConfig();
  const saved = config.contexts[ctx.name];
  if (saved)
    saved.auth = {
      kind: 'session',
      username: auth.username,
      accessToken: pair.accessToken,
      accessExpiresAt: Date.now() + pair.expiresIn * 1000,
      refreshToken: pair.refreshToken,
    };
  await writeCliConfig(config);
  return pair.accessToken;
}

/** The bearer token for the CLI's target (a session's refreshed when it nears expiry), for non-JSON uses such as the event stream. */
export async function currentToken(values: Record<string, unknown>): Promise<string | undefined> {
  const target = resolveTarget(values);
  return target.credential?.source === 'context' ? sessionToken(target) : target.credential?.token;
}

/** Whose credential a call sent, as a refusal names it: the context's user only when the context's credential was used. */
function whoSent(target: CliTarget): string {
  const auth = target.context?.value.auth;
  if (target.credential?.source === 'context' && auth?.kind === 'session')
    return `signed in as ${auth.username}`;
  const source = target.credential?.source;
  return source === 'flag'
    ? 'with the --token given'
    : source === 'env'
      ? `with $${target.credential?.variable ?? 'OMEGA_TOKEN'}`
      : source === 'context'
        ? `with the API token of context ${target.context?.name}`
        : source === 'file'
          ? 'with the admin-token file'
          : 'with no credential';
}

/** What to run when the kernel says the caller is not signed in. */
function signInHint(target: CliTarget): string {
  const url = target.url;
  const login = `omega login --url ${url}${target.context ? ` --context ${target.context.name}` : ''}`;
  if (target.credential?.source === 'context')
    return target.context?.value.auth?.kind === 'token'
      ? `the API token of context ${target.context.name} is no longer valid for ${url} (revoked or expired); sign in again with ${login}`
      : `the session for ${url} has ended; run ${login}`;
  if (target.credential)
    return `the token given (${target.credential.source === 'flag' ? '--token' : target.credential.source === 'env' ? `$${target.credential.variable ?? 'OMEGA_TOKEN'}` : 'the admin-token file'}) is not valid for ${url}`;
  return `not signed in to ${url}; run omega login --url ${url} (or pass --token, or set OMEGA_TOKEN)`;
}

/**
 * Calls the kernel API with the CLI's target (see resolveTarget; a Uint8Array body is sent as
 * application/octet-stream, anything else as JSON): a session's access token is
 * refreshed when it nears expiry; a problem response becomes an ApiError whose message names
 * the flag or command that fixes it.
 */
export async function callApi(
  values: Record<string, unknown>,
  method: string,
  path: string,
  body?: unknown,
  /**
   * `timeoutMs`: longer for operations whose progress arrives on the event stream (downloads,
   * installs); `anonymous`: send no credential (public routes such as readiness).
   */
  opts: { timeoutMs?: number; anonymous?: boolean } = {},
): Promise<unknown> {
  const target = resolveTarget(values);
  const token = opts.anonymous
    ? undefined
    : target.credential?.source === 'context'
      ? await sessionToken(target)
      : target.credential?.token;
  const { status, data } = await exchange(target.url, method, path, token, body, opts.timeoutMs);
  if (status >= 200 && status < 300) return data;
  const p = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown> & {
    detail?: string;
    code?: string;
  };
  // A call that sent no credential (signing in itself) is refused for what it sent, not for a session.
  if (status === 401 && !opts.anonymous)
    throw new ApiError(signInHint(target), p.code ?? 'OMEGA_ERR_AUTH_REQUIRED', p, status);
  if (status === 403 && p.code !== 'OMEGA_ERR_CONSENT_REQUIRED')
    throw new ApiError(
      `${p.detail ?? 'forbidden'} (${whoSent(target)}; ask an admin for the permission, or use --context/--token of an account that has it)`,
      p.code ?? 'OMEGA_ERR_FORBIDDEN',
      p,
      status,
    );
  throw new ApiError(
    p.detail ?? noDetail(target.url, method, path, status),
    p.code ?? `HTTP_${status}`,
    p,
    status,
  );
}

/** What a refusal without a problem document (an empty 404: no such route here) tells the user. */
function noDetail(url: string, method: string, path: string, status: number): string {
  return status === 404
    ? `${method} ${pathOnly(path)} was not found at ${url} (HTTP 404); check --url, and that the plugin serving it is installed and running (omega plugin list)`
    : `${method} ${pathOnly(path)} at ${url} failed with HTTP ${status} and no details; check --url, or the kernel's log`;
}
