import { useState } from 'preact/hooks';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ErrorNotice } from '../../components/status-views.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import type { ActiveAlert } from './alert-model.js';

const PRESETS = ['1h', '4h', '1d'] as const;

/**
 * Silences an alert's rule (every series) or only its series (the rule and all the alert's
 * labels) for 1h/4h/1d or a custom duration, with a required reason (`POST /alerts/silences`).
 */
export function SilenceDialog({
  alert,
  onClose,
  onSaved,
}: {
  alert: ActiveAlert;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { api } = useServices();
  const [scope, setScope] = useState<'rule' | 'series'>('series');
  const [preset, setPreset] = useState<string>('1h');
  const [custom, setCustom] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const duration = preset === 'custom' ? custom.trim() : preset;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim() || !duration) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.send('POST', '/metrics/alerts/silences', {
        rule: alert.rule,
        ...(scope === 'series' ? { labels: alert.labels } : {}),
        reason: reason.trim(),
        for: duration,
      });
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <ModalDialog title={t('alerts.silenceAlert', { rule: alert.rule, node: alert.node })} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <fieldset class="stack">
          <legend>{t('alerts.silenceScope')}</legend>
          <label class="field-inline">
            <input
              type="radio"
              name="scope"
              value="series"
              checked={scope === 'series'}
              onChange={() => setScope('series')}
            />
            <span>{t('alerts.scopeSeries', { series: alert.series })}</span>
          </label>
          <label class="field-inline">
            <input
              type="radio"
              name="scope"
              value="rule"
              checked={scope === 'rule'}
              onChange={() => setScope('rule')}
            />
            <span>{t('alerts.scopeRule', { rule: alert.rule })}</span>
          </label>
        </fieldset>
        <label class="field">
          <span>{t('alerts.silenceFor')}</span>
          <select name="for" value={preset} onChange={(e) => setPreset(e.currentTarget.value)}>
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {t(p === '1h' ? 'alerts.for1h' : p === '4h' ? 'alerts.for4h' : 'alerts.for1d')}
              </option>
            ))}
            <option value="custom">{t('alerts.forCustom')}</option>
          </select>
        </label>
        {preset === 'custom' ? (
          <label class="field">
            <span>{t('alerts.customFor')}</span>
            <input
              name="custom"
              required
              pattern="[0-9]+(ms|s|m|h|d)"
              value={custom}
              onInput={(e) => setCustom(e.currentTarget.value)}
              placeholder="2h"
            />
          </label>
        ) : null}
        <label class="field">
          <span>{t('common.reason')}</span>
          <input
            name="reason"
            required
            maxLength={500}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            placeholder={t('common.reasonPlaceholder')}
          />
        </label>
        {error !== undefined ? <ErrorNotice error={error} /> : null}
        <div class="row-end">
          <button type="button" class="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy || !reason.trim() || !duration}>
            {t('alerts.silence')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
