/** One panel the dashboard may host, as `GET /api/v1/ui/panels` lists it (granted, plugin running). */
export interface PanelSpec {
  plugin: string;
  id: string;
  title: string;
  slot: 'dashboard' | 'node-page' | 'session-page' | 'tab';
  /** The page's path on the plugin's panel origin. */
  path: string;
  topics: string[];
  reads: string[];
  actions: string[];
}

/** Why the shell stopped a panel (shown to the user, with a detail). */
export type PanelStopCode =
  | 'oversize'
  | 'flood'
  | 'protocol'
  | 'forged-action'
  | 'forged-read'
  | 'stray-message'
  | 'navigated';

/** The panel's origin: `<plugin>.localhost` on the kernel's port, a site of its own. */
export function panelOrigin(plugin: string, loc: { protocol: string; port: string }): string {
  return `${loc.protocol}//${plugin}.localhost${loc.port ? `:${loc.port}` : ''}`;
}
