import { useState } from 'preact/hooks';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ErrorNotice } from '../../components/status-views.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';

type BulkAction = 'pause' | 'resume' | 'terminate';
interface ItemResult {
  id: string;
  ok: boolean;
  state?: string;
  error?: { code?: string; detail?: string };
}

/** Bulk pause/resume/terminate: a dry run first (what would happen to each), then the real run with per-item results. */
export function BulkBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const { api } = useServices();
  const [action, setAction] = useState<BulkAction | null>(null);
  const [preview, setPreview] = useState<ItemResult[] | null>(null);
  const [results, setResults] = useState<ItemResult[] | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const call = (a: BulkAction, dryRun: boolean) =>
    api
      .send<{ items: ItemResult[] }>('POST', '/sessions/bulk', { action: a, ids, dryRun })
      .then((r) => r.items);
  const open = async (a: BulkAction) => {
    setAction(a);
    setResults(null);
    setError(undefined);
    try {
      setPreview(await call(a, true));
    } catch (err) {
      setError(err);
    }
  };
  const close = () => {
    setAction(null);
    setPreview(null);
    if (results) onDone();
  };
  return (
    <section class="bulk-bar" aria-label={t('sessions.bulk')}>
      <span>{t('sessions.selected', { n: ids.length })}</span>
      {(['pause', 'resume', 'terminate'] as const).map((a) => (
        <button
          type="button"
          key={a}
          class={a === 'terminate' ? 'btn btn-danger' : 'btn'}
          onClick={() => void open(a)}
        >
          {t(`sessions.action.${a}`)}
        </button>
      ))}
      {action ? (
        <ModalDialog
          title={t('sessions.bulkTitle', { action: t(`sessions.action.${action}`), n: ids.length })}
          onClose={close}
          wide
        >
          {error !== undefined ? <ErrorNotice error={error} /> : null}
          <ResultList items={results ?? preview ?? []} dry={!results} />
          <div class="row-end">
            <button type="button" class="btn" onClick={close}>
              {results ? t('common.close') : t('common.cancel')}
            </button>
            {!results && preview ? (
              <button
                type="button"
                class="btn btn-danger"
                onClick={() => call(action, false).then(setResults, (err: unknown) => setError(err))}
              >
                {t('sessions.bulkRun', { n: preview.filter((p) => p.ok).length })}
              </button>
            ) : null}
          </div>
        </ModalDialog>
      ) : null}
    </section>
  );
}

function ResultList({ items, dry }: { items: ItemResult[]; dry: boolean }) {
  return (
    <ul class="plain" aria-label={dry ? t('sessions.preview') : t('sessions.results')}>
      {items.map((r) => (
        <li key={r.id}>
          <code>{r.id}</code>{' '}
          {r.ok ? (
            <span class="outcome outcome-success">
              {dry ? t('sessions.wouldApply') : t('sessions.applied')}
            </span>
          ) : (
            <span class="outcome outcome-failure">{r.error?.code ?? t('common.failed')}</span>
          )}{' '}
          <span class="muted">{r.error?.detail ?? r.state ?? ''}</span>
        </li>
      ))}
    </ul>
  );
}
