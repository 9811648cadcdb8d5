import type { JsonReader } from './json-reader.js';

/** One page of a cursor-paged list route (`?limit=&cursor=` → `{ items, nextCursor }`). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Every item of a cursor-paged list route, 1,000 a request, following `nextCursor` until the
 * last page or `maxItems`: the last page's other fields with all the items read. `path` may
 * carry a query of its own.
 */
export async function readAllPages<P extends Page<unknown>>(
  api: JsonReader,
  path: string,
  signal?: AbortSignal,
  maxItems = 20_000,
): Promise<P> {
  const items: P['items'] = [];
  const sep = path.includes('?') ? '&' : '?';
  let cursor = '';
  let last: P;
  do {
    last = await api.get<P>(
      `${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      signal,
    );
    items.push(...last.items);
    cursor = last.nextCursor ?? '';
  } while (cursor && items.length < maxItems);
  return { ...last, items };
}
