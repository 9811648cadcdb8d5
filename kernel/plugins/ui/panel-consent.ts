import { PANEL_ACTION_DEFAULT_PERMISSION, type PluginManifest, type PluginPanel } from '@omega/protocol';

/**
 * One panel as the operator consents to it (issue #19): its id, where it goes, and everything
 * it may be shown or ask for, in one line: `panel cpu on node-page: topics metrics.sample;
 * reads /api/v1/nodes/{id}; actions nodes.cordon, sessions.terminate (needs sessions:write)`: an
 * action that names the permission its user needs shows it (one that needs the default,
 * plugins:write, shows none, so a manifest that adds no permission reads as before). Two versions
 * of a panel that differ in any of these differ here, so a consent diff shows the new line as added.
 */
export function panelConsent(p: Pick<PluginPanel, 'id' | 'slot' | 'topics' | 'reads' | 'actions'>): string {
  const list = (xs: readonly string[]) => (xs.length > 0 ? [...xs].sort().join(', ') : 'none');
  const actions = p.actions.map((a) =>
    a.permission === PANEL_ACTION_DEFAULT_PERMISSION ? a.id : `${a.id} (needs ${a.permission})`,
  );
  return `panel ${p.id} on ${p.slot}: topics ${list(p.topics)}; reads ${list(p.reads)}; actions ${list(actions)}`;
}

/** Every panel a manifest declares, as consent lines. */
export function panelConsents(manifest: Pick<PluginManifest, 'ui'>): string[] {
  return (manifest.ui?.panels ?? []).map(panelConsent);
}

/**
 * The panels granted after an approved install or upgrade: every declared panel, except one the
 * previous version declared too (same id) and the operator had revoked (not in `previousGranted`):
 * a revocation survives upgrades, as a denial does.
 */
export function panelsAfterInstall(
  declared: readonly string[],
  previousDeclared: readonly string[],
  previousGranted: readonly string[],
): string[] {
  return declared.filter((id) => !previousDeclared.includes(id) || previousGranted.includes(id));
}
