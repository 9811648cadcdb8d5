/**
 * An RFC 3339 time with its zone (`2026-12-07T10:00:00Z`, `…T10:00:00.5+01:00`, seconds and
 * fraction optional), or a bare date (`2026-12-07`, midnight UTC as ECMAScript reads it): what
 * {@link parseIsoTime} accepts, for a route schema's `z.string().regex(ISO_TIME_PATTERN)` (so the
 * OpenAPI document states the same form the handler reads). No flags: `test` keeps no state.
 */
export const ISO_TIME_PATTERN =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/**
 * Epoch ms of `text` when it is a time {@link ISO_TIME_PATTERN} accepts, else NaN. A date-time without
 * `Z` or an offset is refused rather than read in the server's time zone: the same request would
 * mean another instant on another server, and `Date.parse` of a zone-less time sets up the
 * isolate's local time zone, mapping ICU's zone data into the plugin host for its life (~256 KB;
 * see {@link isoTime}). Day numbers past a month's end roll over as `Date.parse` reads them.
 */
export function parseIsoTime(text: string): number {
  return ISO_TIME_PATTERN.test(text) ? Date.parse(text) : Number.NaN;
}

/** What a client should send where {@link parseIsoTime} reads a time (for error messages). */
export const ISO_TIME_HINT = 'an RFC 3339 time with its zone (2026-12-07T10:00:00Z or …+01:00)';
