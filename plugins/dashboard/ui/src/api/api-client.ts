import { ApiError, toApiError } from './api-error.js';
import type { JsonReader } from './json-reader.js';

/** Where credentials come from and what to do when they stop working. */
export interface CredentialSource {
  /** The bearer token to send now (access token or kiosk token), or null when signed out. */
  token(): string | null;
  /** Tries to get a fresh access token after a 401; resolves true when a retry makes sense. */
  renew(): Promise<boolean>;
}

/** A typed JSON client over the kernel's `/api/v1` (same origin). */
export interface ApiClient extends JsonReader {
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** The API prefix, relative to the origin the dashboard is served from. */
export const API_BASE = '/api/v1';

/**
 * Creates the client: JSON in and out, the bearer token from `creds`, one renewal and retry on
 * 401, problem+json answers thrown as {@link ApiError} with their code. Nothing is cached.
 */
export function createApiClient(creds: CredentialSource): ApiClient {
  const request = async <T>(
    method: string,
    path: string,
    body: unknown,
    signal?: AbortSignal,
    retry = true,
  ): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = creds.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${API_BASE}${path}`, {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(0, 'NETWORK', (err as Error).message || 'network error');
    }
    if (res.status === 401 && retry && token && (await creds.renew())) {
      return request<T>(method, path, body, signal, false);
    }
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    get: (path, signal) => request('GET', path, undefined, signal),
    send: (method, path, body) => request(method, path, body),
  };
}
