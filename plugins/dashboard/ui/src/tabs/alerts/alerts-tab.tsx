import { SubTabs } from '../../components/sub-tabs.js';
import { t } from '../../i18n/t.js';
import { useParam } from '../../state/url-state.js';
import { ActiveAlerts } from './active-alerts.js';
import { AlertHistory } from './alert-history.js';
import { AlertRules } from './alert-rules.js';
import { SilencesView } from './silences-view.js';

type View = 'firing' | 'history' | 'rules' | 'silences';

/** Alerts: firing now (acknowledge, silence), firing/resolved history, the rules (create, edit, delete) and the silences. */
export function AlertsTab() {
  const [view] = useParam('view', 'firing');
  const v = (['firing', 'history', 'rules', 'silences'] as const).includes(view as View)
    ? (view as View)
    : 'firing';
  return (
    <div class="stack">
      <SubTabs
        label={t('tab.alerts')}
        current={v}
        views={[
          { id: 'firing', label: t('alerts.firing') },
          { id: 'history', label: t('alerts.history') },
          { id: 'rules', label: t('alerts.rules') },
          { id: 'silences', label: t('alerts.silences') },
        ]}
      />
      {v === 'firing' ? (
        <ActiveAlerts />
      ) : v === 'history' ? (
        <AlertHistory />
      ) : v === 'rules' ? (
        <AlertRules />
      ) : (
        <SilencesView />
      )}
    </div>
  );
}
