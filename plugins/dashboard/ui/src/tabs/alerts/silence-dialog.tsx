import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import type { ActiveAlert } from './alert-model.js';

const PRESETS = ['1h', '4h', '1d'] as const;

/**
 * Silences an alert's rule (every series) or only its series (the rule and all the alert's
 * labels) for 1h/4h/1d or a custom duration, with a required reason (`POST /alerts/silences`):
 * a {@link ConfirmDialog} around the scope and duration fields.
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
  const duration = preset === 'custom' ? custom.trim() : preset;
  return (
    <ConfirmDialog
      title={t('alerts.silenceAlert', { rule: alert.rule, node: alert.node })}
      confirmLabel={t('alerts.silence')}
      reason
      ready={duration !== ''}
      onConfirm={async (reason) => {
        await api.send('POST', '/metrics/alerts/silences', {
          rule: alert.rule,
          ...(scope === 'series' ? { labels: alert.labels } : {}),
          reason,
          for: duration,
        });
        onSaved();
      }}
      onClose={onClose}
    >
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
    </ConfirmDialog>
  );
}
