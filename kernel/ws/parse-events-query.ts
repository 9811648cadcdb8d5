import { validatePattern } from '../bus/index.js';
import { omegaError } from '../errors/index.js';

/** What a client asked for in `?topics=…&since=…`. */
export interface EventsQuery {
  patterns: string[];
  since: number | undefined;
}

const invalid = (field: string, message: string) =>
  omegaError('OMEGA_ERR_VALIDATION', `Query parameter ${field}: ${message}.`, {
    errors: [{ field, message }],
  });

/**
 * Parses `topics` (comma-separated patterns, repeatable) and `since` (a non-negative integer);
 * any other name is refused.
 * Throws OMEGA_ERR_VALIDATION (missing/malformed) or OMEGA_ERR_TOPIC_INVALID (bad pattern).
 */
export function parseEventsQuery(params: URLSearchParams, maxPatterns: number): EventsQuery {
  // A misspelt `snce=5` was dropped unread: the stream started at the live edge, silently.
  for (const name of params.keys())
    if (name !== 'topics' && name !== 'since')
      throw invalid(name.slice(0, 64), 'is not a parameter of this route (it takes topics, since)');
  const raw = params.getAll('topics');
  if (raw.length === 0 || raw.every((r) => r.trim() === '')) {
    throw invalid('topics', 'required, e.g. topics=nodes.*,metrics.**');
  }
  const patterns = [...new Set(raw.flatMap((r) => r.split(',')).map((p) => p.trim()))];
  if (patterns.length > maxPatterns) throw invalid('topics', `at most ${maxPatterns} patterns`);
  for (const p of patterns) validatePattern(p);

  const sinceRaw = params.getAll('since');
  if (sinceRaw.length > 1) throw invalid('since', 'given more than once');
  let since: number | undefined;
  if (sinceRaw.length === 1) {
    const s = sinceRaw[0]!;
    since = /^\d{1,16}$/.test(s) ? Number(s) : Number.NaN;
    if (!Number.isSafeInteger(since))
      throw invalid('since', 'must be a non-negative integer sequence number');
  }
  return { patterns, since };
}
