import type { RouteRequestText } from '../encode-route-request.js';

/** A route call on its way to a host session: its payload, caller and the payload's pieces. */
export interface RouteCallOffer {
  /** The whole payload (`text.head + text.caller + text.tail`) as it is passed to `invoke`. */
  payload: string;
  caller: object;
  text: RouteRequestText;
}

let offered: RouteCallOffer | undefined;

/**
 * Offers the route call about to be passed to a plugin instance's `invoke`: the host session that
 * receives it (synchronously, within the same `invoke`) may send its caller by slot. The offer is
 * only a hint beside the payload: a session that does not take it sends the payload whole, so a
 * lost offer costs speed, never the caller. Withdraw it once `invoke` returns.
 */
export function offerRouteCall(offer: RouteCallOffer): void {
  offered = offer;
}

/** Drops the offer (after `invoke` returned or threw). */
export function withdrawRouteCall(): void {
  offered = undefined;
}

/** The offer of the call whose payload is `payload` (the same string), taken once; else undefined. */
export function takeRouteCall(payload: string): RouteCallOffer | undefined {
  const o = offered;
  offered = undefined;
  return o !== undefined && o.payload === payload ? o : undefined;
}
