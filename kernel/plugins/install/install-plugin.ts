import type { PluginManifest } from '@omega/protocol';
import semver from 'semver';
import { omegaError } from '../../errors/index.js';
import { capabilityCovers, parseCapability } from '../../permissions/index.js';
import { panelsAfterInstall } from '../ui/panel-consent.js';
import { updateGrants } from '../update-grants.js';
import { corePluginNames } from './core-plugin-names.js';
import { readInstalledPlugin } from './installed-plugin.js';
import { placePlugin } from './place-plugin.js';
import type { VerifiedPlugin } from './verify-plugin-archive.js';

/** Where and against what a plugin is installed. */
export interface InstallTarget {
  /** The installed-plugins store (`<dataDir>/plugins` by default). */
  installedDir: string;
  /** Folders of bundled plugins: their names (and the shipped core plugins') cannot be installed over. */
  bundledDirs: readonly string[];
  grantsFile: string;
  /** The operator's trusted publisher keys (see trustedPublishersFile). */
  trustFile: string;
  kernelVersion: string;
  /** Starts (or restarts) the placed plugin; the plugin manager's `load`. */
  start(name: string): Promise<unknown>;
}

/** Options of {@link installVerified}; the operator's consent was checked before (see the marketplace's consent plan). */
export interface InstallOptions {
  /** Allow installing a lower version than the installed one. */
  allowDowngrade?: boolean;
}

/** What an install did. */
export interface InstallResult {
  name: string;
  version: string;
  previousVersion?: string;
  publisher: { kid: string; name?: string };
  dir: string;
  /** What the grants file now grants the plugin. */
  granted: string[];
  /** Declared, but denied by an earlier decision of the operator (deny wins; kept across upgrades). */
  denied: string[];
  /** What `start` returned (the plugin's view, for the API). */
  started: unknown;
}

/**
 * Refuses what must never be installed, before anything is written: a core plugin's name
 * (OMEGA_ERR_ALREADY_EXISTS) and a silent downgrade (OMEGA_ERR_CONFLICT). Resolves the
 * installed version, if any.
 */
export async function checkInstallable(
  manifest: Pick<PluginManifest, 'name' | 'version'>,
  target: Pick<InstallTarget, 'installedDir' | 'bundledDirs' | 'grantsFile'>,
  opts: InstallOptions = {},
): Promise<string | undefined> {
  const { name, version } = manifest;
  if ((await corePluginNames(target.bundledDirs)).has(name)) {
    throw omegaError(
      'OMEGA_ERR_ALREADY_EXISTS',
      `"${name}" is a core plugin of this kernel; nothing can be installed under its name.`,
      { plugin: name, reason: 'core-plugin' },
    );
  }
  const previous = (await readInstalledPlugin(target, name))?.manifest.version;
  if (previous && semver.lt(version, previous) && !opts.allowDowngrade) {
    throw omegaError(
      'OMEGA_ERR_CONFLICT',
      `${name} ${previous} is installed; ${version} is older. Allow the downgrade explicitly to install it (omega plugin install FILE --downgrade, or ?downgrade=true).`,
      { plugin: name, installed: previous, version },
    );
  }
  return previous;
}

/**
 * What the grants file records after an approved install: every declared capability except
 * the ones the operator denied before (deny wins, and survives upgrades) and `net:fetch:*`
 * (origins of the operator's choosing: approving the manifest chooses none); earlier grants
 * the new manifest still covers (e.g. a chosen origin) are kept.
 */
function grantsAfterInstall(
  declared: readonly string[],
  previous: readonly string[],
  denied: readonly string[],
) {
  const parsed = declared.map((p) => parseCapability(p));
  const out = declared.filter((p, i) => {
    const d = parsed[i]!;
    return !(d.kind === 'net.fetch' && d.origin === '*') && !denied.includes(p);
  });
  for (const g of previous) {
    if (out.includes(g) || denied.includes(g)) continue;
    const pg = parseCapability(g);
    if (parsed.some((d) => capabilityCovers(d, pg))) out.push(g);
  }
  return out;
}

/**
 * Installs a verified plugin whose diff the operator approved: refuses core names and silent
 * downgrades, places it atomically (with its install record), records its grants and starts
 * it. The operator's other decisions (denials, route overrides) survive an upgrade.
 */
export async function installVerified(
  v: VerifiedPlugin,
  target: InstallTarget,
  opts: InstallOptions = {},
): Promise<InstallResult> {
  const previousVersion = await checkInstallable(v.manifest, target, opts);
  const name = v.manifest.name;
  const previousPanels =
    (await readInstalledPlugin(target, name))?.manifest.ui?.panels.map((p) => p.id) ?? [];
  const dir = await placePlugin(target.installedDir, v);
  let granted: string[] = [];
  let denied: string[] = [];
  await updateGrants(target.grantsFile, name, (current) => {
    denied = current?.denied ?? [];
    granted = grantsAfterInstall(v.manifest.permissions, current?.granted ?? [], denied);
    // The consent covered the declared panels (the diff shows them): granted, except revoked ones.
    const panels = panelsAfterInstall(
      v.manifest.ui?.panels.map((p) => p.id) ?? [],
      previousPanels,
      current?.panels ?? [],
    );
    const { panels: _previous, ...rest } = current ?? {};
    return { ...rest, granted, denied, ...(panels.length > 0 ? { panels } : {}) };
  });
  const started = await target.start(name);
  return {
    name,
    version: v.manifest.version,
    ...(previousVersion ? { previousVersion } : {}),
    publisher: v.publisher,
    dir,
    granted,
    denied: v.manifest.permissions.filter((p) => denied.includes(p)),
    started,
  };
}
