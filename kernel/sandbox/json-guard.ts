import { omegaError } from '../errors/index.js';

/**
 * True when the JSON text nests objects/arrays no deeper than `max`. One linear scan that
 * jumps over string contents (indexOf to the closing quote); run before JSON.parse so a deeply
 * nested document costs nothing.
 */
export function jsonDepthWithin(text: string, max: number): boolean {
  // Each level opens with its own character: a text no longer than `max` cannot nest deeper, and
  // most plugin answers are that short (the scan was ~0.2 µs of a ~40-character route answer).
  if (text.length <= max) return true;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = closingQuote(text, i);
      if (i === -1) return true; // unterminated: nothing nests after it (JSON.parse refuses it)
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return false;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return true;
}

/**
 * The index of the quote closing the string opened at `open`, or -1. A quote is escaped when an
 * odd run of backslashes precedes it: `\"` does not close the string, `\\"` does.
 */
export function closingQuote(text: string, open: number): number {
  let q = open;
  for (;;) {
    q = text.indexOf('"', q + 1);
    if (q === -1) return -1;
    let b = q - 1;
    while (text.charCodeAt(b) === 92 /* \ */) b--; // stops at `open` at the latest
    if ((q - 1 - b) % 2 === 0) return q;
  }
}

const dropProto = (key: string, value: unknown): unknown => (key === '__proto__' ? undefined : value);

/**
 * Parses untrusted JSON with a depth bound; `__proto__` keys are dropped (also when written
 * with escapes), so a later merge into a kernel object cannot reach a prototype. Throws
 * OMEGA_ERR_PLUGIN_LIMIT (too deep) or OMEGA_ERR_BAD_JSON.
 */
export function parseUntrustedJson(text: string, maxDepth: number): unknown {
  if (!jsonDepthWithin(text, maxDepth)) {
    throw omegaError('OMEGA_ERR_PLUGIN_LIMIT', `JSON nested deeper than ${maxDepth} levels.`, { maxDepth });
  }
  try {
    return text.includes('__proto__') || text.includes('\\u')
      ? JSON.parse(text, dropProto)
      : JSON.parse(text);
  } catch {
    throw omegaError('OMEGA_ERR_BAD_JSON', 'Malformed JSON from the plugin.');
  }
}
