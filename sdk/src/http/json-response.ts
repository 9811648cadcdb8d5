import type { PluginResponse } from './route-types.js';

/** A JSON route response: `json(200, { ok: true })`. */
export function json<B>(status: number, body: B, headers?: Record<string, string>): PluginResponse<B> {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  };
}
