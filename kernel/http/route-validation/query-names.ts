import { type FieldError, invalidRequest, MAX_FIELD_ERRORS } from './field-errors.js';

/**
 * Query names `url` gives more than once (hono's `query` keeps one value of each): parsed again
 * only when `url` has more `&`-separated parts than `query` has names.
 */
export function repeatedQueryNames(url: string, query: Readonly<Record<string, string>>): string[] {
  let parts = 0;
  for (const part of url.slice(url.indexOf('?') + 1).split('&')) if (part !== '') parts++;
  if (parts <= Object.keys(query).length) return [];
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of new URL(url).searchParams.keys()) (seen.has(name) ? twice : seen).add(name);
  return [...twice];
}

/**
 * What is wrong with a query's names: each given more than once (one value would reach the
 * handler: `?limit=2&limit=3` answered 2 items, silently) and, when the route says which it
 * takes (`known`), each it does not (dropped unread: a misspelt filter `?stat=` answered
 * everything, as if it matched).
 */
export function queryNameErrors(
  query: Readonly<Record<string, string>>,
  repeated: readonly string[],
  known: ReadonlySet<string> | undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of repeated)
    if (errors.length < MAX_FIELD_ERRORS)
      errors.push({ field: name.slice(0, 64), message: 'was given more than once; give it once' });
  if (known !== undefined)
    for (const name of Object.keys(query))
      if (!known.has(name) && errors.length < MAX_FIELD_ERRORS)
        errors.push({
          field: name.slice(0, 64),
          message: `is not a parameter of this route (it takes ${[...known].join(', ') || 'none'})`.slice(
            0,
            300,
          ),
        });
  return errors;
}

/**
 * The query check of a route that validates nothing else: throws {@link invalidRequest} for the
 * names {@link queryNameErrors} finds. `url` is the request's full URL; `query` its parsed query
 * (called only when the URL has one, so a request without a query costs one `indexOf`).
 */
export function checkQueryNames(
  url: string,
  query: () => Record<string, string>,
  known: ReadonlySet<string> | undefined,
): void {
  if (url.indexOf('?', 8) === -1) return;
  const q = query();
  const errors = queryNameErrors(q, repeatedQueryNames(url, q), known);
  if (errors.length > 0) throw invalidRequest(errors);
}
