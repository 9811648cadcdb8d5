import { useState } from 'preact/hooks';
import { ModalDialog } from '../../components/modal-dialog.js';
import { AsyncView, ErrorNotice } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { setParams, useParam } from '../../state/url-state.js';
import { type ChangeRequest, PlanDialog } from './plan-dialog.js';

interface Hit {
  name: string;
  description?: string;
  publisher: string;
  source: string;
  latest?: string;
  versions: number;
}

interface Source {
  name: string;
  location: string;
}

/** The marketplace: sources (add one by pinning its root), search (in the URL), install with consent. */
export function MarketplaceView() {
  const { api, auth } = useServices();
  const [q, setQ] = useParam('mq');
  const sources = useAsync(
    (signal) => api.get<{ items: Source[] }>('/marketplace/sources', signal).then((r) => r.items),
    [],
  );
  const hits = useAsync(
    (signal) =>
      api
        .get<{ items: Hit[] }>(`/marketplace/search?q=${encodeURIComponent(q)}`, signal)
        .then((r) => r.items),
    [q],
  );
  const [change, setChange] = useState<ChangeRequest | null>(null);
  const [adding, setAdding] = useState(false);
  const admin = auth.can('plugins:admin');
  return (
    <div class="stack">
      <section aria-labelledby="mp-sources">
        <h2 id="mp-sources">{t('plugins.sources')}</h2>
        <AsyncView state={sources} plugin="marketplace">
          {(items) =>
            items.length === 0 ? (
              <p class="muted">{t('plugins.noSources')}</p>
            ) : (
              <ul class="plain">
                {items.map((s) => (
                  <li key={s.name}>
                    <strong>{s.name}</strong> <code class="muted">{s.location}</code>
                  </li>
                ))}
              </ul>
            )
          }
        </AsyncView>
        {admin ? (
          <button type="button" class="btn" onClick={() => setAdding(true)}>
            {t('plugins.addSource')}
          </button>
        ) : null}
      </section>
      <section aria-labelledby="mp-search">
        <h2 id="mp-search">{t('plugins.search')}</h2>
        <label class="field-inline">
          <span>{t('common.search')}</span>
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <AsyncView state={hits} plugin="marketplace">
          {(items) =>
            items.length === 0 ? (
              <p class="muted">{t('common.none')}</p>
            ) : (
              <ul class="cards" data-testid="marketplace-hits">
                {items.map((h) => (
                  <li key={h.name} class="card" data-hit={h.name}>
                    <h3>
                      {h.name} <span class="muted">{h.latest ?? ''}</span>
                    </h3>
                    <p>{h.description ?? ''}</p>
                    <p class="muted">
                      {t('plugins.fromPublisher', { publisher: h.publisher, source: h.source })}
                    </p>
                    {admin ? (
                      <button
                        type="button"
                        class="btn btn-primary"
                        onClick={() => setChange({ op: 'install', name: h.name })}
                        aria-label={t('plugins.installName', { name: h.name })}
                      >
                        {t('plugins.install')}
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            )
          }
        </AsyncView>
      </section>
      {change ? (
        <PlanDialog
          request={change}
          onClose={() => setChange(null)}
          onDone={() => {
            setChange(null);
            setParams(
              { view: 'installed', plugin: 'name' in change && change.name ? change.name : null, mq: null },
              'push',
            );
          }}
        />
      ) : null}
      {adding ? (
        <AddSource
          onClose={() => setAdding(false)}
          onDone={() => {
            setAdding(false);
            sources.reload();
            hits.reload();
          }}
        />
      ) : null}
    </div>
  );
}

function AddSource({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { api } = useServices();
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    try {
      await api.send('POST', '/marketplace/sources', {
        name: String(f.get('name') ?? ''),
        location: String(f.get('location') ?? ''),
        root: String(f.get('root') ?? ''),
      });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <ModalDialog title={t('plugins.addSource')} onClose={onClose} wide>
      <form class="stack" onSubmit={submit}>
        <label class="field">
          <span>{t('plugins.sourceName')}</span>
          <input name="name" required maxLength={40} />
        </label>
        <label class="field">
          <span>{t('plugins.sourceLocation')}</span>
          <input name="location" required placeholder="https://plugins.example.com/ or /srv/omega-market" />
        </label>
        <div class="field">
          <label for="source-root">{t('plugins.sourceRoot')}</label>
          <textarea id="source-root" name="root" required rows={6} aria-describedby="source-root-help" />
          <small id="source-root-help" class="muted">
            {t('plugins.sourceRootHelp')}
          </small>
        </div>
        {error !== undefined ? <ErrorNotice error={error} /> : null}
        <div class="row-end">
          <button type="button" class="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary">
            {t('plugins.addSource')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
