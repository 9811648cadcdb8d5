import { httpError, json, type PluginResponse } from '@omega/sdk';

/**
 * Throws a route error: the kernel answers the client with problem+json (status, code,
 * detail, extras; `extras.retryAfterSec` also sets Retry-After).
 */
export function refuse(
  status: number,
  code: string,
  detail: string,
  extras?: Record<string, unknown>,
): never {
  throw httpError(status, code, detail, extras);
}

/** 200 (or `status`) with a JSON body and no caching. */
export const ok = (body: unknown, status = 200): PluginResponse =>
  json(status, body, { 'cache-control': 'no-store' });

/** 204 No Content. */
export const noContent = (): PluginResponse => ({ status: 204 });
