import { useState } from 'preact/hooks';
import { AsyncView, ErrorNotice } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';

/** One entry of `GET /api/v1/nodes/{id}/history` (docs/nodes.md "State history"). */
export interface NodeHistoryEntry {
  n: number;
  from?: string;
  state: string;
  hold?: string;
  by: string;
  at: string;
  reason: string;
}

interface HistoryPage {
  items: NodeHistoryEntry[];
  nextCursor?: string;
  total?: number;
}

const PAGE = 50;

/** Entries of both lists, each `n` once, newest first. */
export function mergeHistory(
  a: readonly NodeHistoryEntry[],
  b: readonly NodeHistoryEntry[],
): NodeHistoryEntry[] {
  const m = new Map<number, NodeHistoryEntry>();
  for (const e of [...a, ...b]) if (!m.has(e.n)) m.set(e.n, e);
  return [...m.values()].sort((x, y) => y.n - x.n);
}

/**
 * A node's state and hold changes from the API, newest first, paged ("Show older"); a change of
 * the node seen live re-reads the newest page, so new entries come on top of what is loaded.
 */
export function NodeHistory({ id }: { id: string }) {
  const { api } = useServices();
  const base = `/nodes/${encodeURIComponent(id)}/history?limit=${PAGE}`;
  const first = useAsync((signal) => api.get<HistoryPage>(base, signal), [base]);
  const [older, setOlder] = useState<{ items: NodeHistoryEntry[]; nextCursor?: string } | null>(null);
  const [olderError, setOlderError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  useLive(
    ['nodes.**'],
    (e) => {
      const d = e.data as { id?: string; node?: string; name?: string } | null;
      if (d?.id === id || d?.node === id || d?.name === id) first.reload();
    },
    first.reload,
  );
  const cursor = older ? older.nextCursor : first.data?.nextCursor;
  const loadOlder = async () => {
    if (!cursor) return;
    setBusy(true);
    setOlderError(undefined);
    try {
      const p = await api.get<HistoryPage>(`${base}&cursor=${encodeURIComponent(cursor)}`);
      setOlder((o) => ({ items: [...(o?.items ?? []), ...p.items], nextCursor: p.nextCursor }));
    } catch (err) {
      setOlderError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="node-history">
      <h2 id="node-history">{t('nodes.history')}</h2>
      <AsyncView state={first} plugin="nodes">
        {(page) => {
          const items = mergeHistory(page.items, older?.items ?? []);
          return items.length === 0 ? (
            <p class="muted">{t('nodes.historyEmpty')}</p>
          ) : (
            <>
              <ol class="plain" data-testid="node-history">
                {items.map((h) => (
                  <li key={h.n} data-history-n={h.n} data-history-state={h.state}>
                    <span class="muted">{formatTime(h.at)}</span>{' '}
                    {h.hold ? (
                      <strong>{h.hold}</strong>
                    ) : (
                      <>
                        {h.from ? <span class={`state state-${h.from}`}>{h.from}</span> : null}
                        {h.from ? ' → ' : null}
                        <span class={`state state-${h.state}`}>{h.state}</span>
                      </>
                    )}{' '}
                    <span class="muted">{t('nodes.historyBy', { by: h.by })}</span> <span>{h.reason}</span>
                  </li>
                ))}
              </ol>
              {olderError !== undefined ? <ErrorNotice error={olderError} /> : null}
              {cursor ? (
                <p>
                  <button type="button" class="btn btn-small" disabled={busy} onClick={loadOlder}>
                    {t('nodes.historyOlder')}
                  </button>
                </p>
              ) : null}
            </>
          );
        }}
      </AsyncView>
    </section>
  );
}
