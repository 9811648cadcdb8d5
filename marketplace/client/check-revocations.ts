import type { PluginManager } from '../../kernel/index.js';
import { MARKETPLACE_TOPICS } from '../events/marketplace-topics.js';
import { loadInstalledState, saveInstalledState } from '../install/installed-state.js';
import { ownEntry } from '../metadata/own-entry.js';
import type { VerifiedMetadata } from './refresh-metadata.js';

/** Where {@link checkRevocations} reads and records what is installed, and whom it tells. */
export interface RevocationTarget {
  stateFile: string;
  plugins: PluginManager;
  /** Announces `marketplace.plugin.revoked` (the kernel bus). */
  publish?: ((topic: string, data: unknown) => void) | undefined;
}

/**
 * The installed versions that their verified source now lists as revoked. Each is disabled,
 * recorded as revoked and announced once (a version already recorded is only reported).
 */
export async function checkRevocations(
  t: RevocationTarget,
  metas: VerifiedMetadata[],
): Promise<Array<{ plugin: string; version: string; reason: string }>> {
  const state = await loadInstalledState(t.stateFile);
  const found: Array<{ plugin: string; version: string; reason: string }> = [];
  for (const [name, p] of Object.entries(state.plugins)) {
    const entry = ownEntry(metas.find((m) => m.source === p.current.source)?.index.plugins, name);
    const status = ownEntry(entry?.versions, p.current.version)?.status;
    if (status?.state !== 'revoked') continue;
    found.push({ plugin: name, version: p.current.version, reason: status.reason });
    if (p.revoked?.version === p.current.version) continue;
    await t.plugins.disable(name).catch(() => undefined);
    p.revoked = { version: p.current.version, reason: status.reason, at: status.at };
    t.publish?.(MARKETPLACE_TOPICS.pluginRevoked, {
      plugin: name,
      version: p.current.version,
      reason: status.reason,
    });
  }
  await saveInstalledState(t.stateFile, state);
  return found;
}
