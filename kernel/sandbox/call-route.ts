import type { RouteRequest } from '@omega/protocol';
import { omegaError } from '../errors/index.js';
import type { PluginInstance } from './create-plugin-instance.js';
import { parseUntrustedJson } from './json-guard.js';
import { validateRouteResponse } from './validate-route-response.js';

/**
 * Calls route handler `handler` of a plugin with `req` and returns its validated response
 * (see {@link validateRouteResponse}); errors are coded (PLUGIN_UNAVAILABLE/TIMEOUT/FAILED/LIMIT).
 */
export async function callRoute(
  instance: PluginInstance,
  handler: string,
  req: RouteRequest,
  deadlineMs?: number,
): Promise<ReturnType<typeof validateRouteResponse>> {
  const json = await instance.invoke('route', handler, JSON.stringify(req), deadlineMs);
  if (json === '') throw omegaError('OMEGA_ERR_PLUGIN_FAILED', 'The plugin returned no response.');
  return validateRouteResponse(parseUntrustedJson(json, 64));
}
