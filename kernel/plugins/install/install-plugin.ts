import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest } from '@omega/protocol';
import semver from 'semver';
import { hasErrorCode, omegaError } from '../../errors/index.js';
import { formatCapability, parseCapability } from '../../permissions/index.js';
import { builtManifestPath } from '../built-manifest-path.js';
import { updateGrants } from '../update-grants.js';
import { placePlugin } from './place-plugin.js';
import { loadTrustedPublishers } from './trusted-publishers.js';
import { type VerifiedPlugin, verifyPluginArchive } from './verify-plugin-archive.js';

/** Where and against what a plugin is installed. */
export interface InstallTarget {
  /** The installed-plugins store (`<dataDir>/plugins` by default). */
  installedDir: string;
  /** Folders of bundled plugins: their names cannot be installed over. */
  bundledDirs: readonly string[];
  grantsFile: string;
  /** The operator's trusted publisher keys (see trustedPublishersFile). */
  trustFile: string;
  kernelVersion: string;
  /** Starts (or restarts) the placed plugin; the plugin manager's `load`. */
  start(name: string): Promise<unknown>;
}

/** The operator's decision for one install. */
export interface InstallConsent {
  /** Permissions the operator grants: `'all'` = every declared one; undefined = not asked yet. */
  grant?: readonly string[] | 'all';
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
  granted: string[];
  /** Declared but not granted: the plugin is installed but refused until granted. */
  missing: string[];
  /** What `start` returned (the plugin's view, for the API). */
  started: unknown;
}

const canonical = (p: string) => formatCapability(parseCapability(p));
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The version in the manifest at `path`; undefined when there is none (or it is not valid). */
async function installedVersion(path: string): Promise<string | undefined> {
  try {
    return parseManifest(await readFile(path, 'utf8'), path).version;
  } catch {
    return undefined;
  }
}

/** Refuses what must not be installed, before anything is written. */
async function checkInstallable(
  v: VerifiedPlugin,
  t: InstallTarget,
  c: InstallConsent,
): Promise<string | undefined> {
  const { name, version } = v.manifest;
  for (const dir of t.bundledDirs) {
    // a bundled plugin is a source folder (built: dist/plugin.json); built or not, its name is taken
    const manifest = await builtManifestPath(join(dir, name));
    if (await exists(manifest)) {
      throw omegaError(
        'OMEGA_ERR_ALREADY_EXISTS',
        `"${name}" is a bundled plugin of this kernel; it cannot be installed over.`,
        {
          plugin: name,
        },
      );
    }
  }
  const previous = await installedVersion(join(t.installedDir, name, 'plugin.json'));
  if (previous && semver.lt(version, previous) && !c.allowDowngrade) {
    throw omegaError(
      'OMEGA_ERR_CONFLICT',
      `${name} ${previous} is installed; ${version} is older. Allow the downgrade explicitly to install it.`,
      { plugin: name, installed: previous, version },
    );
  }
  if (c.grant === undefined && v.manifest.permissions.length > 0) {
    throw omegaError(
      'OMEGA_ERR_CONSENT_REQUIRED',
      `${name}@${version} asks for: ${v.manifest.permissions.join(', ')}. Grant them explicitly (omega plugin install --yes, or --grant).`,
      { plugin: name, version, permissions: v.manifest.permissions },
    );
  }
  return previous;
}

function grantsFor(v: VerifiedPlugin, grant: InstallConsent['grant']): string[] {
  const declared = v.manifest.permissions;
  if (grant === undefined) return [];
  if (grant === 'all') return [...declared];
  const out: string[] = [];
  for (const raw of grant) {
    let p: string;
    try {
      p = canonical(raw);
    } catch (err) {
      throw hasErrorCode(err) ? err : omegaError('OMEGA_ERR_VALIDATION', `"${raw}" is not a permission.`);
    }
    if (!declared.includes(p)) {
      throw omegaError(
        'OMEGA_ERR_VALIDATION',
        `"${p}" is not declared by ${v.manifest.name}; it declares: ${declared.join(', ') || 'nothing'}.`,
        {
          errors: [{ field: 'grant', message: `${p} is not declared` }],
        },
      );
    }
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * Installs a packed plugin into a running kernel: verify (shape, manifest, integrity, trusted
 * signature, engines), refuse bundled names and silent downgrades, require the operator's consent
 * to its permissions, place it atomically, record exactly the granted permissions, and start it.
 */
export async function installPlugin(
  archive: Uint8Array,
  target: InstallTarget,
  consent: InstallConsent,
): Promise<InstallResult> {
  const trusted = await loadTrustedPublishers(target.trustFile);
  const v = await verifyPluginArchive(archive, { trusted, kernelVersion: target.kernelVersion });
  return installVerified(v, target, consent);
}

/** The part of {@link installPlugin} after verification (for installers that verify otherwise). */
export async function installVerified(
  v: VerifiedPlugin,
  target: InstallTarget,
  consent: InstallConsent,
): Promise<InstallResult> {
  const previousVersion = await checkInstallable(v, target, consent);
  const granted = grantsFor(v, consent.grant);
  const dir = await placePlugin(target.installedDir, v);
  const name = v.manifest.name;
  // The operator's other decisions (denials not now granted, route overrides) survive an upgrade.
  await updateGrants(target.grantsFile, name, (current) => ({
    ...current,
    granted,
    denied: (current?.denied ?? []).filter((p) => !granted.includes(p)),
  }));
  const started = await target.start(name);
  return {
    name,
    version: v.manifest.version,
    ...(previousVersion ? { previousVersion } : {}),
    publisher: v.publisher,
    dir,
    granted,
    missing: v.manifest.permissions.filter((p) => !granted.includes(p)),
    started,
  };
}
