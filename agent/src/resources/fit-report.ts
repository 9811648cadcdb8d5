/** Largest report data the agent sends: the nodes plugin passes reports of up to 60,000 bytes of JSON on. */
export const MAX_REPORT_JSON = 60_000;

/** A list of a report that may be cut to make it fit, most important entries first. */
export interface TrimmableList<T> {
  name: string;
  get(data: T): unknown[] | undefined;
}

/**
 * Makes `data` fit in `limit` bytes of JSON: while it is too large, the longest of `lists` is
 * cut to half (callers order each list most important first) and its name is added to
 * `truncated`, so a reader knows the list is partial. `data` is not modified.
 */
export function fitReport<T extends object>(
  data: T,
  lists: ReadonlyArray<TrimmableList<T>>,
  limit = MAX_REPORT_JSON,
): T & { truncated?: string[] } {
  if (JSON.stringify(data).length <= limit) return data;
  const copy = structuredClone(data) as T & { truncated?: string[] };
  const truncated = new Set<string>();
  for (let guard = 0; guard < 64 && JSON.stringify(copy).length > limit; guard++) {
    let longest: { name: string; list: unknown[] } | undefined;
    for (const l of lists) {
      const list = l.get(copy);
      if (list && list.length > 1 && (!longest || list.length > longest.list.length))
        longest = { name: l.name, list };
    }
    if (!longest) break;
    longest.list.length = Math.ceil(longest.list.length / 2);
    truncated.add(longest.name);
  }
  copy.truncated = [...truncated];
  return copy;
}
