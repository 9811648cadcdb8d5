import { useCallback } from 'preact/hooks';
import { createStore, useStore } from './store.js';

/**
 * The URL's query string is the single source of truth for navigation state: the tab, every
 * filter, selection and time range. Reload, back/forward and a shared link restore the view.
 */
const query = createStore<URLSearchParams>(new URLSearchParams(location.search));

addEventListener('popstate', () => query.set(new URLSearchParams(location.search)));

/** How a change is recorded: `push` adds a history entry (tabs, selections), `replace` does not (typing in a filter). */
export type HistoryMode = 'push' | 'replace';

/** Sets (or with `null`/`''`, removes) query parameters. */
export function setParams(
  changes: Record<string, string | null | undefined>,
  mode: HistoryMode = 'replace',
): void {
  const next = new URLSearchParams(query.get());
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') next.delete(k);
    else next.set(k, v);
  }
  const search = next.toString();
  if (search === query.get().toString()) return;
  const url = `${location.pathname}${search ? `?${search}` : ''}${location.hash}`;
  if (mode === 'push') history.pushState(null, '', url);
  else history.replaceState(null, '', url);
  query.set(next);
}

/** The current value of one query parameter. */
export function getParam(key: string): string | null {
  return query.get().get(key);
}

/** A query parameter as component state: `[value, set]`. */
export function useParam(
  key: string,
  fallback = '',
  mode: HistoryMode = 'replace',
): [string, (v: string | null) => void] {
  const q = useStore(query);
  const value = q.get(key) ?? fallback;
  const set = useCallback((v: string | null) => setParams({ [key]: v }, mode), [key, mode]);
  return [value, set];
}

/** All query parameters (re-rendering on change). */
export function useParams(): URLSearchParams {
  return useStore(query);
}

/** Goes to a new view: the query becomes exactly `params` (one history entry). */
export function navigate(params: Record<string, string>): void {
  const next = new URLSearchParams(params);
  const url = `${location.pathname}?${next}${location.hash}`;
  history.pushState(null, '', url);
  query.set(next);
}

/** The href of a view, for real links (open in a new tab, copy link). */
export function hrefFor(params: Record<string, string>): string {
  return `?${new URLSearchParams(params)}`;
}
