import { SubTabs } from '../../components/sub-tabs.js';
import { t } from '../../i18n/t.js';
import { useParam } from '../../state/url-state.js';
import { InstalledPlugins } from './installed-plugins.js';
import { MarketplaceView } from './marketplace-view.js';

/** Plugins: installed (status, reasons, enable/disable/reload, upgrade, rollback) and the marketplace. */
export function PluginsTab() {
  const [view] = useParam('view', 'installed');
  const v = view === 'marketplace' ? 'marketplace' : 'installed';
  return (
    <div class="stack">
      <SubTabs
        label={t('tab.plugins')}
        current={v}
        views={[
          { id: 'installed', label: t('plugins.installed') },
          { id: 'marketplace', label: t('plugins.marketplace') },
        ]}
      />
      {v === 'installed' ? <InstalledPlugins /> : <MarketplaceView />}
    </div>
  );
}
