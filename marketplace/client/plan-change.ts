import { omegaError } from '@omega/protocol';
import {
  corePluginNames,
  declaresAuthProviderService,
  type InstallTarget,
  MAX_ARCHIVE_BYTES,
  type PluginManager,
  panelConsents,
  readInstalledPlugin,
} from '../../kernel/index.js';
import { consentBaseline } from '../install/consent-baseline.js';
import { type InstalledState, loadInstalledState } from '../install/installed-state.js';
import { downloadFailed, verifyRelease } from '../metadata/index.js';
import { ownEntry } from '../metadata/own-entry.js';
import {
  type Candidate,
  consentPlan,
  type Plan,
  type PlanStep,
  permissionDiff,
  resolvePlugins,
  routeConsents,
} from '../resolve/index.js';
import type { ChangeRequest } from './create-marketplace.js';
import { findOffers, type Offer } from './find-offers.js';
import type { VerifiedMetadata } from './refresh-metadata.js';

/** What {@link planChange} plans against: what is installed, and the kernel it must run on. */
export interface PlanTarget {
  stateFile: string;
  install: InstallTarget;
  plugins: PluginManager;
  kernelVersion: string;
}

const candidate = (x: Offer): Candidate => ({
  name: x.release.statement.plugin,
  version: x.release.statement.version,
  manifest: x.release.manifest,
  ...(x.release.status ? { status: x.release.status } : {}),
});

function installedMap(t: PlanTarget, state: InstalledState) {
  const out: Record<string, { version: string; dependencies: Record<string, string> }> = {};
  for (const v of t.plugins.list()) out[v.name] = { version: v.version, dependencies: v.dependencies };
  for (const [name, p] of Object.entries(state.plugins))
    out[name] ??= { version: p.current.version, dependencies: p.current.manifest.dependencies };
  return out;
}

/**
 * The plan of `req` against the verified sources `metas`: the versions to move to (a rollback's
 * last earlier version still listed and not revoked; otherwise what resolution picks), each with
 * its permission diff from what is approved now, and the offer each step installs. Refuses a core
 * plugin's name and an artifact larger than any valid archive before anything is downloaded.
 */
export async function planChange(
  t: PlanTarget,
  req: ChangeRequest,
  metas: VerifiedMetadata[],
): Promise<{ plan: Plan; offers: Map<string, Offer> }> {
  const state = await loadInstalledState(t.stateFile);
  const chosen = new Map<string, Offer>();
  let steps: Array<{ name: string; from?: string; offer: Offer }>;
  if (req.op === 'rollback') {
    const p = ownEntry(state.plugins, req.name);
    if (!p)
      throw omegaError('OMEGA_ERR_PLUGIN_NOT_FOUND', `"${req.name}" was not installed from a marketplace.`, {
        plugin: req.name,
      });
    const meta = metas.find((m) => m.source === p.current.source);
    const target = [...p.history].reverse().find((h) => {
      const st = ownEntry(ownEntry(meta?.index.plugins, req.name)?.versions, h.version);
      return st !== undefined && st.status?.state !== 'revoked' && h.version !== p.current.version;
    });
    if (!target || !meta)
      throw omegaError(
        'OMEGA_ERR_PLUGIN_REVOKED',
        `No earlier version of ${req.name} to roll back to that is still listed and not revoked (history: ${p.history.map((h) => h.version).join(', ') || 'none'}).`,
        { plugin: req.name },
      );
    const release = await verifyRelease(meta.index, req.name, target.version, meta.source);
    steps = [{ name: req.name, from: p.current.version, offer: { meta, release } }];
  } else {
    const installed = installedMap(t, state);
    const managed = Object.keys(state.plugins);
    const names = req.op === 'install' ? [req.name] : req.name ? [req.name] : managed;
    if (req.op === 'upgrade')
      for (const n of names)
        if (!ownEntry(state.plugins, n))
          throw omegaError('OMEGA_ERR_PLUGIN_NOT_FOUND', `"${n}" was not installed from a marketplace.`, {
            plugin: n,
          });
    const cache = new Map<string, Offer[]>();
    const resolved = await resolvePlugins({
      requests: names.map((n) => ({
        name: n,
        range: req.op === 'install' ? (req.range ?? '*') : installed[n] ? `>=${installed[n].version}` : '*',
      })),
      movable: new Set(req.op === 'upgrade' && !req.name ? managed : names),
      installed,
      kernelVersion: t.kernelVersion,
      available: async (n) => {
        if (!cache.has(n)) cache.set(n, await findOffers(metas, n));
        return cache.get(n)!.map(candidate);
      },
    });
    steps = resolved.map((r) => ({
      name: r.name,
      ...(r.from ? { from: r.from } : {}),
      offer: cache.get(r.name)!.find((x) => x.release.statement.version === r.to.version)!,
    }));
  }
  // Refused at resolve time, before anything is downloaded: a core plugin's name (an index
  // may offer one) and an artifact larger than any valid archive (a signed claim of any length).
  const core = await corePluginNames(t.install.bundledDirs);
  for (const s of steps) {
    if (core.has(s.name))
      throw omegaError(
        'OMEGA_ERR_ALREADY_EXISTS',
        `Source ${s.offer.meta.source} offers "${s.name}", the name of a core plugin of this kernel; nothing can be installed under it. Do not use this source for it.`,
        { plugin: s.name, source: s.offer.meta.source, reason: 'core-plugin' },
      );
    const { length } = s.offer.release.statement.artifact;
    if (length > MAX_ARCHIVE_BYTES)
      throw downloadFailed(
        {
          source: s.offer.meta.source,
          role: 'artifact',
          plugin: s.name,
          version: s.offer.release.statement.version,
        },
        'too-large',
        `the release statement claims a ${length}-byte artifact; no valid archive exceeds ${MAX_ARCHIVE_BYTES} bytes, so nothing was downloaded`,
        `at most ${MAX_ARCHIVE_BYTES} bytes`,
        length,
      );
  }
  const out: PlanStep[] = [];
  for (const s of steps) {
    chosen.set(s.name, s.offer);
    const cur = ownEntry(state.plugins, s.name)?.current;
    const rel = s.offer.release;
    const installed = await readInstalledPlugin(t.install, s.name);
    out.push({
      name: s.name,
      ...(s.from ? { from: s.from } : {}),
      to: rel.statement.version,
      source: s.offer.meta.source,
      publisher: rel.statement.publisher,
      artifact: rel.statement.artifact.integrity,
      diff: permissionDiff(
        consentBaseline(installed, cur ? { kid: cur.signer, name: cur.publisher } : undefined),
        {
          permissions: rel.manifest.permissions,
          limits: rel.manifest.limits,
          publisher: { kid: rel.signer, name: rel.statement.publisher },
          panels: panelConsents(rel.manifest),
          authProviderService: declaresAuthProviderService(rel.manifest),
          routes: routeConsents(rel.manifest),
        },
      ),
    });
  }
  return { plan: consentPlan(req, out), offers: chosen };
}
