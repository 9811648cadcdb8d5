import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hasErrorCode, omegaError, parseManifest } from '@omega/protocol';
import { decodeArchive } from '@omega/protocol/archive';
import type { PluginManager } from '../../kernel/index.js';
import {
  archivedPluginFiles,
  type InstallTarget,
  installVerified,
  type VerifiedPlugin,
} from '../../kernel/index.js';
import type { ArtifactStore } from './artifact-store.js';
import { type Health, healthCheck } from './health-check.js';
import type { InstalledRelease } from './installed-state.js';

/** One verified change to make: install `next` over `previous` (if any). */
export interface SwitchStep {
  name: string;
  next: VerifiedPlugin;
  record: InstalledRelease;
  previous?: InstalledRelease;
}

/** What the switch needs from the running kernel. */
export interface SwitchTarget {
  install: InstallTarget;
  plugins: PluginManager;
  store: ArtifactStore;
  healthWindowMs: number;
}

/**
 * A stored artifact (hash re-checked by the store) as the kernel's installer takes it: its
 * bundle and UI files checked against its manifest again (archivedPluginFiles).
 */
export async function fromStore(t: SwitchTarget, r: InstalledRelease): Promise<VerifiedPlugin> {
  const bytes = await t.store.get(r.artifact, { plugin: r.manifest.name, version: r.version });
  if (!bytes)
    throw omegaError(
      'OMEGA_ERR_NOT_FOUND',
      `The artifact of ${r.manifest.name}@${r.version} is no longer in the store.`,
      {
        plugin: r.manifest.name,
        version: r.version,
      },
    );
  const archive = decodeArchive(bytes);
  const source = `stored ${r.manifest.name}@${r.version}`;
  const manifest = parseManifest(archive.manifest, source);
  const { bundle, ui } = archivedPluginFiles(archive, manifest, source);
  return {
    manifest,
    manifestText: archive.manifest,
    bundle,
    ...(ui ? { ui } : {}),
    publisher: { kid: r.signer, name: r.publisher },
  };
}

/** Places an approved version (the operator's denials survive: installVerified keeps them). */
async function place(t: SwitchTarget, v: VerifiedPlugin): Promise<void> {
  await installVerified(v, t.install, { allowDowngrade: true });
}

/** Puts a step back: the previous version from the store, or no plugin at all. */
async function revert(t: SwitchTarget, s: SwitchStep): Promise<void> {
  if (s.previous) {
    await place(t, await fromStore(t, s.previous));
    return;
  }
  await rm(join(t.install.installedDir, s.name), { recursive: true, force: true });
  await t.plugins.load(s.name).catch((err) => {
    if (!hasErrorCode(err) || err.code !== 'OMEGA_ERR_PLUGIN_NOT_FOUND') throw err;
  });
}

/**
 * Switches plugins one step at a time (dependencies first), starting each new version and
 * health-checking it. When one fails its check, every step already made is switched back
 * (previous versions from the content-addressed store), and OMEGA_ERR_PLUGIN_FAILED says which
 * plugin failed, why, and what now runs.
 */
export async function switchPlugins(t: SwitchTarget, steps: readonly SwitchStep[]): Promise<void> {
  const done: SwitchStep[] = [];
  for (const s of steps) {
    let health: Health;
    try {
      await place(t, s.next);
      health = await healthCheck(() => t.plugins.info(s.name), t.healthWindowMs);
    } catch (err) {
      health = { ok: false, status: 'failed', reason: hasErrorCode(err) ? err.message : 'install failed' };
    }
    if (health.ok) {
      done.push(s);
      continue;
    }
    for (const d of [s, ...done.reverse()]) await revert(t, d);
    const restored = s.previous
      ? `${s.name}@${s.previous.version} runs again`
      : `${s.name} was removed again`;
    throw omegaError(
      'OMEGA_ERR_PLUGIN_FAILED',
      `${s.name}@${s.record.version} failed its health check (${health.status}${health.reason ? `: ${health.reason}` : ''}); switched back: ${restored}.`,
      {
        plugin: s.name,
        version: s.record.version,
        status: health.status,
        rolledBack: true,
        ...(s.previous ? { restored: s.previous.version } : {}),
      },
    );
  }
}
