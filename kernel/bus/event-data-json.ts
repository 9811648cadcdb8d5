import type { BusEvent } from './event-bus.js';

/** The JSON text of each event's `data`, shared by everyone who sends the event on (events are frozen). */
const texts = new WeakMap<BusEvent, string>();

/**
 * Records `json` as the JSON text of `event.data`: the bus calls it at publish when it has
 * serialised the data anyway (for its event log), so senders need not serialise it again.
 */
export function rememberDataJson(event: BusEvent, json: string): void {
  texts.set(event, json);
}

/**
 * The JSON text of `event.data` (`null` for undefined), serialised at most once per event and
 * shared by every sender: the event log line, the WebSocket frame and the plugins' `event` call
 * payloads of one event all carry the same text. Undefined when the data does not serialise
 * (a BigInt, a cycle) or serialises to nothing (a function).
 */
export function eventDataJson(event: BusEvent): string | undefined {
  let json = texts.get(event);
  if (json === undefined) {
    try {
      json = JSON.stringify(event.data === undefined ? null : event.data);
    } catch {
      return undefined;
    }
    if (typeof json !== 'string') return undefined;
    texts.set(event, json);
  }
  return json;
}
