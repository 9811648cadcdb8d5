/**
 * Largest event a plugin (or an operator over HTTP) may publish: the serialized JSON of its
 * `data`, in UTF-16 code units (what `JSON.stringify(data).length` reports). Every event is
 * parsed, retained in the replay window and copied into each subscriber, so its size is
 * bounded once here for every path onto the bus.
 */
export const MAX_EVENT_DATA_BYTES = 65_536;

/** Room for the rest of an `events.publish` argument object (`{"topic":"…","data":…}`). */
export const EVENT_ENVELOPE_BYTES = 512;
