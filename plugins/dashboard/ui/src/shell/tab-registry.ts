import type { ComponentType } from 'preact';
import type { MessageKey } from '../i18n/t.js';

/** A tab of the dashboard: its URL id, its label, and its lazily loaded view. */
export interface TabSpec {
  id: string;
  label: MessageKey;
  /** The permission its data needs (the tab stays visible; its view explains a 403). */
  load: () => Promise<ComponentType>;
}

/** Every tab, in order. Each view is its own chunk, loaded on first visit. */
export const TABS: readonly TabSpec[] = [
  {
    id: 'dashboard',
    label: 'tab.dashboard',
    load: () => import('../tabs/dashboard/dashboard-tab.js').then((m) => m.DashboardTab),
  },
  {
    id: 'nodes',
    label: 'tab.nodes',
    load: () => import('../tabs/nodes/nodes-tab.js').then((m) => m.NodesTab),
  },
  {
    id: 'sessions',
    label: 'tab.sessions',
    load: () => import('../tabs/sessions/sessions-tab.js').then((m) => m.SessionsTab),
  },
  {
    id: 'resources',
    label: 'tab.resources',
    load: () => import('../tabs/resources/resources-tab.js').then((m) => m.ResourcesTab),
  },
  {
    id: 'network',
    label: 'tab.network',
    load: () => import('../tabs/network/network-tab.js').then((m) => m.NetworkTab),
  },
  {
    id: 'performance',
    label: 'tab.performance',
    load: () => import('../tabs/performance/performance-tab.js').then((m) => m.PerformanceTab),
  },
  {
    id: 'alerts',
    label: 'tab.alerts',
    load: () => import('../tabs/alerts/alerts-tab.js').then((m) => m.AlertsTab),
  },
  {
    id: 'security',
    label: 'tab.security',
    load: () => import('../tabs/security/security-tab.js').then((m) => m.SecurityTab),
  },
  {
    id: 'plugins',
    label: 'tab.plugins',
    load: () => import('../tabs/plugins/plugins-tab.js').then((m) => m.PluginsTab),
  },
];

/** The tab for an id from the URL (the dashboard when unknown). */
export function tabById(id: string | null): TabSpec {
  return TABS.find((t) => t.id === id) ?? (TABS[0] as TabSpec);
}
