import type { RouteRequest } from '@omega/protocol';
import type { PluginInstance } from './create-plugin-instance.js';
import { callPlugin } from './plugin-call.js';
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
  return validateRouteResponse(await callPlugin(instance, 'route', handler, req, deadlineMs));
}
