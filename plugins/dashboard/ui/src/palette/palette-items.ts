import type { ApiClient } from '../api/api-client.js';
import type { AuthSession } from '../auth/auth-session.js';
import { t } from '../i18n/t.js';
import { panelTabId } from '../shell/panels/panel-tab-id.js';
import { TABS } from '../shell/tab-registry.js';
import { navigate } from '../state/url-state.js';
import { theme } from '../theme/theme.js';

/** One entry of the command palette. */
export interface PaletteItem {
  id: string;
  group: 'tab' | 'action' | 'plugin' | 'node' | 'session';
  label: string;
  hint?: string;
  run: () => void;
}

interface Named {
  id?: string;
  name?: string;
  spec?: { name?: string; command?: string };
  /** A hosted panel's fields (`/ui/panels`). */
  plugin?: string;
  title?: string;
  slot?: string;
}

async function list(api: ApiClient, path: string): Promise<Named[]> {
  try {
    const r = await api.get<{ items?: Named[] }>(path);
    return Array.isArray(r.items) ? r.items : [];
  } catch {
    // Not installed (404) or not allowed: the palette simply has no such entries.
    return [];
  }
}

/** Everything the palette can go to or do: tabs, actions, and the nodes, sessions and plugins there are. */
export async function paletteItems(api: ApiClient, auth: AuthSession): Promise<PaletteItem[]> {
  const items: PaletteItem[] = TABS.map((tab) => ({
    id: `tab:${tab.id}`,
    group: 'tab',
    label: t(tab.label),
    run: () => navigate({ tab: tab.id }),
  }));
  items.push(
    {
      id: 'action:theme-light',
      group: 'action',
      label: t('palette.themeLight'),
      run: () => theme.set('light'),
    },
    { id: 'action:theme-dark', group: 'action', label: t('palette.themeDark'), run: () => theme.set('dark') },
    { id: 'action:theme-auto', group: 'action', label: t('palette.themeAuto'), run: () => theme.set('auto') },
    {
      id: 'action:new-rule',
      group: 'action',
      label: t('palette.newRule'),
      run: () => navigate({ tab: 'alerts', view: 'rules', edit: 'new' }),
    },
    {
      id: 'action:verify-audit',
      group: 'action',
      label: t('palette.verifyAudit'),
      run: () => navigate({ tab: 'security', view: 'audit', verify: '1' }),
    },
    {
      id: 'action:marketplace',
      group: 'action',
      label: t('palette.marketplace'),
      run: () => navigate({ tab: 'plugins', view: 'marketplace' }),
    },
    { id: 'action:sign-out', group: 'action', label: t('palette.signOut'), run: () => void auth.signOut() },
  );
  const [plugins, nodes, sessions, panels] = await Promise.all([
    list(api, '/plugins'),
    list(api, '/nodes?limit=500'),
    list(api, '/sessions?limit=500'),
    auth.can('plugins:read') ? list(api, '/ui/panels') : Promise.resolve([]),
  ]);
  // Plugins' tab panels are tabs too (hinted with their plugin: a title is the plugin's own text).
  for (const p of panels) {
    if (p.slot !== 'tab' || !p.plugin || !p.id) continue;
    const id = panelTabId({ plugin: p.plugin, id: p.id });
    items.push({
      id: `tab:${id}`,
      group: 'tab',
      label: p.title ?? id,
      hint: p.plugin,
      run: () => navigate({ tab: id }),
    });
  }
  for (const p of plugins) {
    const name = p.name ?? '';
    items.push({
      id: `plugin:${name}`,
      group: 'plugin',
      label: name,
      hint: t('tab.plugins'),
      run: () => navigate({ tab: 'plugins', plugin: name }),
    });
  }
  for (const n of nodes) {
    const id = n.id ?? '';
    items.push({
      id: `node:${id}`,
      group: 'node',
      label: n.spec?.name ?? n.name ?? id,
      hint: t('tab.nodes'),
      run: () => navigate({ tab: 'nodes', node: id }),
    });
  }
  for (const s of sessions) {
    const id = s.id ?? '';
    items.push({
      id: `session:${id}`,
      group: 'session',
      label: `${id} ${s.spec?.command ?? ''}`.trim(),
      hint: t('tab.sessions'),
      run: () => navigate({ tab: 'sessions', session: id }),
    });
  }
  return items;
}

/** Items whose label contains every word of `q` (case-insensitive), best (prefix) matches first. */
export function filterItems(items: readonly PaletteItem[], q: string): PaletteItem[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items.slice(0, 50);
  const hits = items.filter((i) => {
    const hay = `${i.label} ${i.hint ?? ''} ${i.group}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const first = words[0] ?? '';
  hits.sort(
    (a, b) =>
      Number(!a.label.toLowerCase().startsWith(first)) - Number(!b.label.toLowerCase().startsWith(first)),
  );
  return hits.slice(0, 50);
}
