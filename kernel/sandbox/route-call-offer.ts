import type { RouteRequestText } from './encode-route-request.js';

/**
 * What a route call passes beside its payload (PluginInstance.invoke's `route`): its caller and
 * the payload's pieces (`text.head + text.caller + text.tail` is the payload), so the host session
 * may send a caller its host already keeps by slot (createCallerSlots). Only a hint: a session
 * that does not use it sends the payload whole, which costs speed, never the caller.
 */
export interface RouteCallOffer {
  caller: object;
  text: RouteRequestText;
}
