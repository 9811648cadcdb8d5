import type { EventRecord } from '@omega/protocol';
import { eventDataJson } from '../bus/index.js';

/** What {@link eventCallPayloads} produces: call payloads, and events too large to send at all. */
export interface EventCallPayloads {
  payloads: string[];
  /** Events whose JSON alone exceeds the per-call limit (not delivered). */
  oversized: number;
}

// Every subscriber of an event gets the same frozen object from the bus: serialize it once,
// around the data JSON the bus already made for its event log.
const jsonOf = new WeakMap<object, string>();

function eventJson(e: EventRecord): string | undefined {
  let s = jsonOf.get(e);
  if (s === undefined) {
    const data = eventDataJson(e);
    if (data !== undefined) {
      s = `{"seq":${e.seq},"topic":${JSON.stringify(e.topic)},"time":${e.time},"data":${data}}`;
    } else {
      try {
        s = JSON.stringify({ seq: e.seq, topic: e.topic, time: e.time, data: e.data });
      } catch {
        return undefined;
      }
      if (typeof s !== 'string') return undefined;
    }
    jsonOf.set(e, s);
  }
  return s;
}

/**
 * Splits one bus batch for subscription `sub` into `event` call payloads
 * (`{"sub":…,"events":[…]}`) of at most `maxChars` characters each, in order: one call's
 * payload is parsed at once inside the plugin's isolate, so a burst of large events must not
 * arrive as one call. An event that does not fit a call by itself is left out and counted.
 */
export function eventCallPayloads(
  sub: number,
  batch: readonly EventRecord[],
  maxChars: number,
): EventCallPayloads {
  const head = `{"sub":${sub},"events":[`;
  const room = maxChars - head.length - 2;
  const payloads: string[] = [];
  let oversized = 0;
  let parts: string[] = [];
  let size = 0;
  for (const e of batch) {
    const json = eventJson(e);
    if (json === undefined || json.length > room) {
      oversized++;
      continue;
    }
    const add = json.length + (parts.length > 0 ? 1 : 0);
    if (size + add > room) {
      payloads.push(`${head}${parts.join(',')}]}`);
      parts = [];
      size = 0;
    }
    size += json.length + (parts.length > 0 ? 1 : 0);
    parts.push(json);
  }
  if (parts.length > 0) payloads.push(`${head}${parts.join(',')}]}`);
  return { payloads, oversized };
}
