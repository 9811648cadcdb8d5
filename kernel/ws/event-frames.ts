import { type BusEvent, eventDataJson } from '../bus/index.js';

/** The subprotocol the gateway speaks (echoed back when offered). */
export const EVENTS_SUBPROTOCOL = 'omega.v1';

const encoded = new WeakMap<BusEvent, Buffer>();

/**
 * The `{"type":"event",…}` text frame of an event, encoded once and shared by every client
 * (events are frozen, so the cache cannot go stale). The data's JSON is the text the bus
 * already made for its event log ({@link eventDataJson}), not a second serialisation; the
 * frame is byte for byte what JSON.stringify of the frame object gives. Data that JSON cannot
 * encode is sent as `null` with `"dataError":true`, so the client still sees the seq (no
 * silent gap).
 */
export function eventFrame(event: BusEvent): Buffer {
  let buf = encoded.get(event);
  if (buf === undefined) {
    const { seq, topic, time } = event;
    const data = eventDataJson(event);
    const json =
      data === undefined
        ? JSON.stringify({ type: 'event', seq, topic, time, data: null, dataError: true })
        : `{"type":"event","seq":${seq},"topic":${JSON.stringify(topic)},"time":${time},"data":${data}}`;
    buf = Buffer.from(json);
    encoded.set(event, buf);
  }
  return buf;
}

/** The first frame a client receives: `{"type":"hello","lastSeq":N}`. */
export function helloFrame(lastSeq: number): string {
  return JSON.stringify({ type: 'hello', lastSeq });
}

/** Sent before closing with 4000: the client must re-read state and subscribe again. */
export function resyncFrame(reason: 'too-old' | 'overflow', lastSeq: number): string {
  return JSON.stringify({ type: 'resync', reason, lastSeq });
}
