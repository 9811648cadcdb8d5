import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../../api/api-client.js';
import { downloadText } from '../../components/download.js';
import { ParamInput } from '../../components/param-input.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { AsyncView, ErrorNotice } from '../../components/status-views.js';
import { toCsv } from '../../components/to-csv.js';
import { useAsync } from '../../components/use-async.js';
import { formatTime } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { useParam, useParams } from '../../state/url-state.js';
import type { AuditEntry } from './audit-entry.js';

const FILTERS = ['actor', 'action', 'outcome', 'since', 'until'] as const;
/** Most entries one export gathers (pages of 1,000). */
const EXPORT_MAX = 50_000;
/** Entries per page of the view (newest first). */
const PAGE = 100;

/** The query string for the filters in the URL (`a_actor`, `a_action`, …). */
function auditQuery(params: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const f of FILTERS) {
    const v = params.get(`a_${f}`);
    if (!v) continue;
    q.set(f, f === 'since' || f === 'until' ? new Date(v).toISOString() : v);
  }
  return q;
}

/** One page of `GET /security/audit`, with its cursors. */
interface AuditPage {
  items: AuditEntry[];
  nextCursor?: string;
  prevCursor?: string;
}

/** Every matching entry (following cursors), up to `max`. */
async function readAll(api: ApiClient, q: URLSearchParams, max: number, from = 0): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let cursor = from > 0 ? String(from) : '';
  do {
    const page = new URLSearchParams(q);
    page.set('limit', '1000');
    if (cursor) page.set('cursor', cursor);
    const r = await api.get<{ items: AuditEntry[]; nextCursor?: string }>(`/security/audit?${page}`);
    out.push(...r.items);
    cursor = r.nextCursor ?? '';
  } while (cursor && out.length < max);
  return out.slice(0, max);
}

interface VerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  broken?: { seq: number; reason: string };
}

/** The audit trail: filters in the URL, newest first, chain verification, export as CSV or JSON. */
export function AuditView() {
  const { api } = useServices();
  const params = useParams();
  const [verifyParam, setVerifyParam] = useParam('verify');
  const q = auditQuery(params);
  // Newest first straight from the API (`order=desc`): older pages follow `nextCursor`, newer
  // entries come from the first page's `prevCursor` (what was appended since it was read).
  const base = new URLSearchParams(q);
  base.set('order', 'desc');
  base.set('limit', String(PAGE));
  const s = useAsync((signal) => api.get<AuditPage>(`/security/audit?${base}`, signal), [base.toString()]);
  const [pageError, setPageError] = useState<unknown>(undefined);
  const [paging, setPaging] = useState(false);
  const more = async (which: 'older' | 'newer') => {
    const cur = s.data;
    const cursor = which === 'older' ? cur?.nextCursor : cur?.prevCursor;
    if (!cur || !cursor) return;
    setPaging(true);
    setPageError(undefined);
    try {
      const p = new URLSearchParams(base);
      p.set('cursor', cursor);
      const r = await api.get<AuditPage>(`/security/audit?${p}`);
      s.mutate((old) => {
        if (!old) return old;
        const seen = new Set(old.items.map((e) => e.seq));
        const fresh = r.items.filter((e) => !seen.has(e.seq));
        const items = [...old.items, ...fresh].sort((a, b) => b.seq - a.seq);
        return which === 'older'
          ? { ...old, items, nextCursor: r.nextCursor }
          : { ...old, items, prevCursor: r.prevCursor ?? old.prevCursor };
      });
    } catch (err) {
      setPageError(err);
    } finally {
      setPaging(false);
    }
  };
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setVerifyError(undefined);
    try {
      setReport(await api.get<VerifyReport>('/security/audit/verify'));
    } catch (err) {
      setVerifyError(err);
    } finally {
      setBusy(false);
      setVerifyParam(null);
    }
  };
  useEffect(() => {
    if (verifyParam) void verify();
  }, [verifyParam]);
  const exportAs = async (kind: 'csv' | 'json') => {
    const items = await readAll(api, q, EXPORT_MAX);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (kind === 'json')
      downloadText(`audit-${stamp}.json`, `${JSON.stringify(items, null, 2)}\n`, 'application/json');
    else {
      const header = [
        'seq',
        'time',
        'actor',
        'action',
        'outcome',
        'target',
        'source',
        'details',
        'prev',
        'hash',
      ];
      downloadText(
        `audit-${stamp}.csv`,
        toCsv(
          header,
          items.map((e) => [
            e.seq,
            e.time,
            e.actor,
            e.action,
            e.outcome,
            e.target,
            e.source,
            e.details,
            e.prev,
            e.hash,
          ]),
        ),
        'text/csv',
      );
    }
  };
  return (
    <div class="stack">
      <search>
        <form class="filters" aria-label={t('sec.auditFilters')} onSubmit={(e) => e.preventDefault()}>
          <ParamInput param="a_actor" label={t('sec.actor')} />
          <ParamInput param="a_action" label={t('sec.action')} placeholder="auth." />
          <OutcomeSelect />
          <ParamInput param="a_since" label={t('sec.since')} type="datetime-local" />
          <ParamInput param="a_until" label={t('sec.until')} type="datetime-local" />
        </form>
      </search>
      <div class="row">
        <button type="button" class="btn" onClick={verify} disabled={busy} data-action="verify">
          {t('sec.verify')}
        </button>
        <button type="button" class="btn" onClick={() => void exportAs('csv')}>
          {t('sec.exportCsv')}
        </button>
        <button type="button" class="btn" onClick={() => void exportAs('json')}>
          {t('sec.exportJson')}
        </button>
        {report ? (
          <span
            class={report.ok ? 'outcome outcome-success' : 'outcome outcome-failure'}
            role="status"
            data-chain={report.ok ? 'intact' : 'broken'}
          >
            {report.ok
              ? t('sec.chainIntact', { n: report.entries })
              : t('sec.chainBroken', { seq: report.broken?.seq ?? '?', reason: report.broken?.reason ?? '' })}
          </span>
        ) : null}
      </div>
      {verifyError !== undefined ? <ErrorNotice error={verifyError} /> : null}
      <AsyncView state={s} plugin="security">
        {({ items, nextCursor, prevCursor }) => (
          <>
            {prevCursor ? (
              <p>
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={paging}
                  onClick={() => void more('newer')}
                  data-action="audit-newer"
                >
                  {t('sec.auditNewer')}
                </button>
              </p>
            ) : null}
            <ScrollRegion label={t('sec.audit')}>
              <table class="table table-compact" data-testid="audit">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('sec.time')}</th>
                    <th scope="col">{t('sec.actor')}</th>
                    <th scope="col">{t('sec.action')}</th>
                    <th scope="col">{t('sec.outcome')}</th>
                    <th scope="col">{t('sec.target')}</th>
                    <th scope="col">{t('sec.source')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <tr key={e.seq} data-seq={e.seq}>
                      <td>{e.seq}</td>
                      <td>{formatTime(e.time)}</td>
                      <td>{e.actor}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        <span class={`outcome outcome-${e.outcome}`}>{e.outcome}</span>
                      </td>
                      <td>{e.target ?? ''}</td>
                      <td>{e.source ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
            {pageError !== undefined ? <ErrorNotice error={pageError} /> : null}
            {nextCursor ? (
              <p>
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={paging}
                  onClick={() => void more('older')}
                  data-action="audit-older"
                >
                  {t('sec.auditOlder')}
                </button>
              </p>
            ) : null}
          </>
        )}
      </AsyncView>
    </div>
  );
}

function OutcomeSelect() {
  const [v, setV] = useParam('a_outcome');
  return (
    <label class="field-inline">
      <span>{t('sec.outcome')}</span>
      <select value={v} onChange={(e) => setV(e.currentTarget.value)}>
        <option value="">{t('common.any')}</option>
        <option value="success">success</option>
        <option value="failure">failure</option>
        <option value="denied">denied</option>
      </select>
    </label>
  );
}
