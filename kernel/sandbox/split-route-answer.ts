import { closingQuote } from './json-guard.js';

/** A route answer's text cut into its members' texts (see {@link splitRouteAnswer}). */
export interface RouteAnswerParts {
  status: number;
  /** The headers object's JSON text, when the answer has one. */
  headersJson: string | undefined;
  /** The body's JSON text. */
  bodyJson: string;
}

const STATUS = '{"status":';
const HEADERS = ',"headers":{';
const BODY = ',"body":';

/**
 * Cuts a route answer written as JSON.stringify writes `{ status, body }` or `{ status, headers,
 * body }` (a handler's literal or the sdk's `json()`/`problem()`, in that key order) into its
 * members' texts: the status's digits (no leading zero, at most 3), the flat headers object and
 * the body, each a slice of `text`. Anything else (other key order, whitespace between the
 * members, nested headers, a member after the body) gives undefined; whitespace inside the
 * headers object or around the body stays in its slice. The slices are not checked here: when the headers
 * and body slices each parse as JSON, `text` is exactly that object (JSON's grammar leaves one
 * way to read it), so a caller that parses them reads what JSON.parse(text) reads — and a slice
 * that does not parse means nothing, the caller then reads `text` whole.
 */
export function splitRouteAnswer(text: string): RouteAnswerParts | undefined {
  if (!text.startsWith(STATUS) || text.charCodeAt(text.length - 1) !== 125 /* } */) return undefined;
  let at = STATUS.length;
  let status = 0;
  for (; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c < 48 || c > 57) break;
    status = status * 10 + (c - 48);
  }
  const digits = at - STATUS.length;
  if (digits === 0 || digits > 3 || (digits > 1 && text.charCodeAt(STATUS.length) === 48)) return undefined;
  let headersJson: string | undefined;
  if (text.startsWith(HEADERS, at)) {
    const open = at + HEADERS.length - 1;
    let end = -1;
    for (let i = open + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) {
        i = closingQuote(text, i);
        if (i === -1) return undefined;
      } else if (c === 125 /* } */) {
        end = i;
        break;
      } else if (c === 123 /* { */ || c === 91 /* [ */) return undefined; // headers are flat
    }
    if (end === -1) return undefined;
    headersJson = text.slice(open, end + 1);
    at = end + 1;
  }
  if (!text.startsWith(BODY, at)) return undefined;
  const bodyAt = at + BODY.length;
  if (bodyAt >= text.length - 1) return undefined;
  return { status, headersJson, bodyJson: text.slice(bodyAt, text.length - 1) };
}
