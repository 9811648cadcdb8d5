import { SubTabs } from '../../components/sub-tabs.js';
import { t } from '../../i18n/t.js';
import { useParam } from '../../state/url-state.js';
import { ActiveAlerts } from './active-alerts.js';
import { AlertHistory } from './alert-history.js';
import { AlertRules } from './alert-rules.js';

type View = 'firing' | 'history' | 'rules';

/** Alerts: firing now, firing/resolved history, and the rules (create, edit, delete). */
export function AlertsTab() {
  const [view] = useParam('view', 'firing');
  const v = (['firing', 'history', 'rules'] as const).includes(view as View) ? (view as View) : 'firing';
  return (
    <div class="stack">
      <SubTabs
        label={t('tab.alerts')}
        current={v}
        views={[
          { id: 'firing', label: t('alerts.firing') },
          { id: 'history', label: t('alerts.history') },
          { id: 'rules', label: t('alerts.rules') },
        ]}
      />
      {v === 'firing' ? <ActiveAlerts /> : v === 'history' ? <AlertHistory /> : <AlertRules />}
      <p class="notice notice-muted" data-testid="ack-missing">
        {t('alerts.ackMissing')}
      </p>
    </div>
  );
}
