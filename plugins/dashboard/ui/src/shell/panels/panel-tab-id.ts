import type { PanelSpec } from './panel-spec.js';

/**
 * The tab id (the URL's `tab`) of a `tab`-slot panel: `<plugin>.<panel>`. Plugin names and panel
 * ids are `[a-z][a-z0-9-]*`, and the dashboard's own tab ids have no dot, so the two never clash.
 */
export function panelTabId(spec: Pick<PanelSpec, 'plugin' | 'id'>): string {
  return `${spec.plugin}.${spec.id}`;
}

/** Whether a tab id names a panel tab (rather than one of the dashboard's own tabs). */
export function isPanelTabId(id: string): boolean {
  return /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(id);
}
