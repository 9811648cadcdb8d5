import { AsyncView } from '../../components/status-views.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatClock } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { hrefFor } from '../../state/url-state.js';
import type { AuditEntry } from '../security/audit-entry.js';

const SHOWN = 8;

/** The newest audit entries: the last day's page, then live from `security.audit.appended`. */
export function AuditCard() {
  const { api } = useServices();
  const s = useAsync(async (signal) => {
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const r = await api.get<{ items: AuditEntry[] }>(
      `/security/audit?since=${encodeURIComponent(since)}&limit=1000`,
      signal,
    );
    return r.items.slice(-SHOWN).reverse();
  }, []);
  useLive(
    ['security.audit.appended'],
    (e) => {
      const entry = e.data as AuditEntry;
      if (typeof entry?.seq !== 'number') return;
      s.mutate((old) => [entry, ...(old ?? []).filter((x) => x.seq !== entry.seq)].slice(0, SHOWN));
    },
    s.reload,
  );
  return (
    <section class="card" aria-labelledby="card-audit">
      <h2 id="card-audit">
        <a href={hrefFor({ tab: 'security', view: 'audit' })}>{t('dash.audit')}</a>
      </h2>
      <AsyncView state={s} plugin="security">
        {(items) => (
          <ul class="plain audit-mini" data-testid="audit-recent">
            {items.map((a) => (
              <li key={a.seq}>
                <span class="muted">{formatClock(a.time)}</span> <code>{a.action}</code>{' '}
                <span class={`outcome outcome-${a.outcome}`}>{a.outcome}</span>
              </li>
            ))}
          </ul>
        )}
      </AsyncView>
    </section>
  );
}
