import { type InstallTarget, MAX_ARCHIVE_BYTES, type PluginManager } from '../../kernel/index.js';
import type { ArtifactStore } from '../install/artifact-store.js';
import { type InstalledRelease, loadInstalledState, saveInstalledState } from '../install/installed-state.js';
import { type SwitchStep, switchPlugins } from '../install/switch-plugins.js';
import { verifyArtifact } from '../install/verify-artifact.js';
import { ownEntry } from '../metadata/own-entry.js';
import type { Plan } from '../resolve/index.js';
import type { Offer } from './find-offers.js';
import { type DownloadProgress, readSource } from './read-source.js';

/** Where {@link installPlan} downloads, installs and records, with its deadlines. */
export interface InstallPlanTarget {
  stateFile: string;
  store: ArtifactStore;
  install: InstallTarget;
  plugins: PluginManager;
  kernelVersion: string;
  healthWindowMs: number;
  /** Deadline of one artifact download, ms. */
  downloadTimeoutMs: number;
  /** Longest pause between bytes of a download, ms. */
  downloadStallMs: number;
  onProgress?: (p: DownloadProgress) => void;
  now: () => Date;
}

/**
 * Carries out an approved plan: every artifact is taken from the store or downloaded and
 * verified before anything is switched, then all steps switch at once (with health checks), and
 * each plugin's new release is recorded with its last ten in the installed state.
 */
export async function installPlan(t: InstallPlanTarget, p: Plan, chosen: Map<string, Offer>): Promise<void> {
  const progress = t.onProgress ? { onProgress: t.onProgress } : {};
  const state = await loadInstalledState(t.stateFile);
  // Download and verify every artifact before anything is switched.
  const steps: SwitchStep[] = [];
  for (const s of p.steps) {
    const { meta, release } = chosen.get(s.name)!;
    const ctx = { source: meta.source, role: 'artifact' as const, plugin: s.name, version: s.to };
    const stored = await t.store.get(release.statement.artifact.integrity, {
      plugin: s.name,
      version: s.to,
    });
    const bytes =
      stored ??
      (await readSource(meta.source, release.statement.artifact.url, {
        maxBytes: Math.min(release.statement.artifact.length, MAX_ARCHIVE_BYTES),
        timeoutMs: t.downloadTimeoutMs,
        stallMs: t.downloadStallMs,
        ctx,
        ...progress,
      }))!;
    const next = await verifyArtifact(bytes, release, meta.index, meta.source, t.kernelVersion);
    await t.store.put(bytes);
    const previous = ownEntry(state.plugins, s.name)?.current;
    const record: InstalledRelease = {
      version: s.to,
      source: meta.source,
      artifact: release.statement.artifact.integrity,
      publisher: release.statement.publisher,
      signer: release.signer,
      manifest: release.manifest,
      installedAt: t.now().toISOString(),
    };
    steps.push({ name: s.name, next, record, ...(previous ? { previous } : {}) });
  }
  await switchPlugins(
    { install: t.install, plugins: t.plugins, store: t.store, healthWindowMs: t.healthWindowMs },
    steps,
  );
  for (const s of steps) {
    const entry = ownEntry(state.plugins, s.name);
    const history = [...(entry?.history ?? []).filter((h) => h.version !== s.record.version), s.record];
    state.plugins[s.name] = { current: s.record, history: history.slice(-10) };
  }
  await saveInstalledState(t.stateFile, state);
}
