import { useEffect, useState } from 'preact/hooks';
import type { AuthState } from '../auth/auth-session.js';
import { t } from '../i18n/t.js';
import { CommandPalette } from '../palette/command-palette.js';
import { hrefFor, navigate, useParam } from '../state/url-state.js';
import { ConnectionBadge } from './connection-badge.js';
import { LazyTab } from './lazy-tab.js';
import { isPanelTabId, PanelListContext, PanelTab, panelTabId, useHostedPanels } from './panels/index.js';
import { useServices } from './services.js';
import { TABS, tabById } from './tab-registry.js';
import { ThemeSwitch } from './theme-switch.js';

/** The signed-in app: top bar, tabs, the current tab's view, and the palette. */
export function Shell({ who }: { who: Extract<AuthState, { kind: 'user' | 'kiosk' }> }) {
  const { auth } = useServices();
  const [tabId] = useParam('tab', 'dashboard');
  const panels = useHostedPanels();
  // Plugins' `tab` panels follow the dashboard's own tabs, each titled from its manifest.
  const panelTabs = panels.items.filter((p) => p.slot === 'tab');
  const onPanelTab = isPanelTabId(tabId);
  const panelTab = onPanelTab ? panelTabs.find((p) => panelTabId(p) === tabId) : undefined;
  const tab = tabById(tabId);
  // A panel tab's title is its manifest's; an id the list lacks (revoked, or a stale link) gets a neutral one.
  const title = onPanelTab ? (panelTab?.title ?? t('panels.tabGoneTitle')) : t(tab.label);
  const [palette, setPalette] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPalette(true);
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title]);
  const link = (id: string) => ({
    href: hrefFor({ tab: id }),
    'aria-current': id === tabId || (!onPanelTab && id === tab.id) ? ('page' as const) : undefined,
    'data-tab-link': id,
    onClick: (e: MouseEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate({ tab: id });
    },
  });
  return (
    <PanelListContext.Provider value={panels}>
      <div
        class="app"
        data-tab={onPanelTab ? tabId : tab.id}
        data-kiosk={who.kind === 'kiosk' ? 'true' : undefined}
      >
        <a class="skip-link" href="#main">
          {t('app.skip')}
        </a>
        <header class="topbar">
          <span class="brand">{t('app.name')}</span>
          <ConnectionBadge />
          <span class="spacer" />
          <button
            type="button"
            class="btn btn-ghost palette-button"
            onClick={() => setPalette(true)}
            aria-keyshortcuts="Control+K Meta+K"
          >
            {t('palette.open')}
            <kbd class="muted">Ctrl K</kbd>
          </button>
          <ThemeSwitch />
          <span class="who" data-who={who.kind}>
            {who.kind === 'kiosk' ? t('app.kiosk') : who.me.username}
          </span>
          <button type="button" class="btn btn-ghost" onClick={() => void auth.signOut()}>
            {who.kind === 'kiosk' ? t('app.leaveKiosk') : t('app.signOut')}
          </button>
        </header>
        <nav class="tabs" aria-label={t('app.tabs')}>
          <ul>
            {TABS.map((x) => (
              <li key={x.id}>
                <a {...link(x.id)}>{t(x.label)}</a>
              </li>
            ))}
            {panelTabs.map((p) => (
              <li key={panelTabId(p)} class="panel-tab">
                <a
                  {...link(panelTabId(p))}
                  title={t('panels.tabTitle', { title: p.title, plugin: p.plugin })}
                >
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="main" tabIndex={-1}>
          <h1 class="page-title">{title}</h1>
          {onPanelTab ? <PanelTab spec={panelTab} loaded={panels.loaded} /> : <LazyTab tab={tab} />}
        </main>
        {palette ? <CommandPalette onClose={() => setPalette(false)} /> : null}
      </div>
    </PanelListContext.Provider>
  );
}
