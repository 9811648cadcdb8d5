import { useState } from 'preact/hooks';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ErrorNotice } from '../../components/status-views.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { parseSelector } from '../sessions/parse-selector.js';
import type { RuleView } from './alert-model.js';

const COMPARATORS = ['>', '>=', '<', '<=', '==', '!='];
const SEVERITIES = ['info', 'warning', 'critical'];

/** Create or edit a rule; an edit sends the version it replaces (409 if someone changed it meanwhile). */
export function RuleEditor({
  rule,
  onClose,
  onSaved,
}: {
  rule: RuleView | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { api } = useServices();
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const get = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<string, unknown> = {
      series: get('series'),
      comparator: get('comparator'),
      threshold: Number(get('threshold')),
      for: get('for') || '0s',
      severity: get('severity'),
      labels: parseSelector(get('labels')),
    };
    if (get('summary')) body.summary = get('summary');
    try {
      if (rule)
        await api.send('PUT', `/metrics/alerts/rules/${encodeURIComponent(rule.id)}`, {
          ...body,
          version: rule.version,
        });
      else
        await api.send('POST', '/metrics/alerts/rules', { ...body, ...(get('id') ? { id: get('id') } : {}) });
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const s = rule?.spec;
  return (
    <ModalDialog
      title={rule ? t('alerts.editRule', { id: rule.id }) : t('alerts.newRule')}
      onClose={onClose}
      wide
    >
      <form class="stack" onSubmit={submit}>
        {rule ? null : (
          <label class="field">
            <span>{t('alerts.ruleId')}</span>
            <input name="id" pattern="[a-z0-9][a-z0-9._\-]{0,63}" placeholder="cpu-hot" />
          </label>
        )}
        <label class="field">
          <span>{t('alerts.series')}</span>
          <input name="series" required defaultValue={s?.series ?? 'cpu.busy{cpu="total"}'} />
        </label>
        <div class="row">
          <label class="field">
            <span>{t('alerts.comparator')}</span>
            <select name="comparator" defaultValue={s?.comparator ?? '>'}>
              {COMPARATORS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{t('alerts.threshold')}</span>
            <input
              name="threshold"
              type="number"
              step="any"
              required
              defaultValue={s ? String(s.threshold) : '0.9'}
            />
          </label>
          <label class="field">
            <span>{t('alerts.for')}</span>
            <input name="for" defaultValue={s ? `${Math.round(s.forMs / 1000)}s` : '1m'} />
          </label>
          <label class="field">
            <span>{t('alerts.severity')}</span>
            <select name="severity" defaultValue={s?.severity ?? 'warning'}>
              {SEVERITIES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label class="field">
          <span>{t('alerts.summary')}</span>
          <input name="summary" maxLength={500} defaultValue={s?.summary ?? ''} />
        </label>
        <label class="field">
          <span>{t('alerts.labels')}</span>
          <input
            name="labels"
            defaultValue={
              s
                ? Object.entries(s.labels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')
                : ''
            }
            placeholder="team=ops"
          />
        </label>
        {error !== undefined ? <ErrorNotice error={error} /> : null}
        <div class="row-end">
          <button type="button" class="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary">
            {t('common.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
