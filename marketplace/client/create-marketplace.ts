import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, type ErrorCode, omegaError } from '@omega/protocol';
import semver from 'semver';
import { type InstallTarget, type PluginManager, requireAuthProviderConsent } from '../../kernel/index.js';
import { type ArtifactStore, artifactStore } from '../install/artifact-store.js';
import { loadInstalledState, saveInstalledState } from '../install/installed-state.js';
import { fromStore } from '../install/switch-plugins.js';
import { ownEntry } from '../metadata/own-entry.js';
import { describePlan, type Plan, type PlanRequest } from '../resolve/index.js';
import { checkRevocations } from './check-revocations.js';
import { findOffers } from './find-offers.js';
import { installPlan } from './install-plan.js';
import { planChange } from './plan-change.js';
import type { DownloadProgress } from './read-source.js';
import { refreshMetadata, trustRoot, type VerifiedMetadata } from './refresh-metadata.js';
import { type SourceEntry, sourceRegistry } from './source-registry.js';

/** A change the operator asked for from a marketplace. */
export type ChangeRequest = Exclude<PlanRequest, { op: 'file' }>;

/** A source whose metadata could not be refreshed and verified, with the coded reason. */
export interface FailedSource {
  name: string;
  location: string;
  code: string;
  message: string;
}

/** Options of {@link createMarketplace}. */
export interface MarketplaceOptions {
  dataDir: string;
  kernelVersion: string;
  plugins: PluginManager;
  install: InstallTarget;
  healthWindowMs?: number;
  /**
   * Deadline of one artifact download (default 50 s: under the kernel's 60 s request limits, so
   * the caller always gets the coded OMEGA_ERR_MARKETPLACE_DOWNLOAD, never a dropped connection).
   */
  downloadTimeoutMs?: number;
  /** Longest pause between bytes of a download (default 15 s). */
  downloadStallMs?: number;
  onProgress?: (p: DownloadProgress) => void;
  /** Announces events such as `marketplace.plugin.revoked` (the kernel bus). */
  publish?: (topic: string, data: unknown) => void;
  now?: () => Date;
}

/** The marketplace client of a running kernel. */
export type Marketplace = ReturnType<typeof createMarketplace>;

/**
 * The marketplace client: sources with pinned roots, verified metadata, resolution, consent,
 * atomic install/upgrade/rollback with health checks, removal and revocation.
 */
export function createMarketplace(o: MarketplaceOptions) {
  const base = join(o.dataDir, 'marketplace');
  const registry = sourceRegistry(base);
  const store: ArtifactStore = artifactStore(join(base, 'store'));
  const stateFile = join(base, 'installed.json');
  const now = () => o.now?.() ?? new Date();
  const progress = o.onProgress ? { onProgress: o.onProgress } : {};
  const revocationTarget = { stateFile, plugins: o.plugins, publish: o.publish };
  let lock: Promise<unknown> = Promise.resolve();
  /** One change at a time: concurrent installs would race on the plugin folders. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  };

  /** Refreshes every source on its own: what verified, and why each other one did not. */
  async function refreshEach(): Promise<{ metas: VerifiedMetadata[]; failed: FailedSource[] }> {
    const sources = await registry.list();
    if (sources.length === 0)
      throw omegaError(
        'OMEGA_ERR_NOT_FOUND',
        'No marketplace source is configured; add one with omega plugin source add NAME URL|DIR --root root.json.',
      );
    const metas: VerifiedMetadata[] = [];
    const failed: FailedSource[] = [];
    for (const s of sources) {
      try {
        metas.push(
          await refreshMetadata({
            location: s.location,
            stateDir: registry.stateDir(s.name),
            now: now(),
            ...progress,
          }),
        );
      } catch (err) {
        const e = err as { code?: string; message: string };
        failed.push({
          name: s.name,
          location: s.location,
          code: e.code ?? 'OMEGA_ERR_INTERNAL',
          message: e.message,
        });
      }
    }
    return { metas, failed };
  }

  /**
   * Every source verified, or the first failure (resolution needs all of them: with one missing,
   * a lower-priority source could offer its plugin names). Revocations are applied either way.
   */
  async function refreshAll(): Promise<VerifiedMetadata[]> {
    const { metas, failed } = await refreshEach();
    await checkRevocations(revocationTarget, metas);
    const first = failed[0];
    if (first)
      throw omegaError(
        (first.code in ERROR_CODES ? first.code : 'OMEGA_ERR_MARKETPLACE_DOWNLOAD') as ErrorCode,
        `Source ${first.name} (${first.location}) failed: ${first.message} Fix it, or drop it with omega plugin source remove ${first.name}.`,
        { source: first.name, failed },
      );
    return metas;
  }

  const plan = async (req: ChangeRequest) =>
    planChange(
      { stateFile, install: o.install, plugins: o.plugins, kernelVersion: o.kernelVersion },
      req,
      await refreshAll(),
    );

  async function apply(
    req: ChangeRequest,
    approval: { consent?: string; yes?: boolean } = {},
  ): Promise<Plan> {
    return serial(async () => {
      const { plan: p, offers: chosen } = await plan(req);
      if (p.steps.length === 0) return p;
      const approved = p.escalating
        ? approval.consent === p.consent
        : approval.yes === true || approval.consent === p.consent;
      if (!approved) {
        throw omegaError(
          'OMEGA_ERR_CONSENT_REQUIRED',
          p.escalating
            ? `This asks for more than is approved now:\n${describePlan(p)}\nApprove exactly this diff with consent "${p.consent}" (omega plugin … --approve; --yes never approves an escalation). What is installed keeps serving until then.`
            : `Confirm ${p.steps.map((s) => `${s.name} ${s.from ?? '(new)'} → ${s.to}`).join(', ')} with --yes or consent "${p.consent}".`,
          { plan: p, consent: p.consent },
        );
      }
      await installPlan(
        {
          stateFile,
          store,
          install: o.install,
          plugins: o.plugins,
          kernelVersion: o.kernelVersion,
          healthWindowMs: o.healthWindowMs ?? 1000,
          downloadTimeoutMs: o.downloadTimeoutMs ?? 50_000,
          downloadStallMs: o.downloadStallMs ?? 15_000,
          now,
          ...progress,
        },
        p,
        chosen,
      );
      return p;
    });
  }

  return {
    /** Pins a source's root (given out of band) and adds it; its metadata is fetched at once. */
    async addSource(entry: SourceEntry & { root: string }) {
      await trustRoot(registry.stateDir(entry.name), entry.root, entry.location);
      await registry.add(entry);
      try {
        return await refreshMetadata({
          location: entry.location,
          stateDir: registry.stateDir(entry.name),
          now: now(),
          ...progress,
        });
      } catch (err) {
        await registry.remove(entry.name);
        throw err;
      }
    },
    sources: () => registry.list(),
    refresh: refreshAll,
    /** Plugins whose name or description contains `query` (all when empty), newest installable version first. */
    async search(query = '') {
      const metas = await refreshAll();
      const q = query.toLowerCase();
      const seen = new Set<string>();
      const out: Array<{
        name: string;
        description?: string;
        publisher: string;
        source: string;
        latest?: string;
        versions: number;
      }> = [];
      for (const m of metas)
        for (const [name, p] of Object.entries(m.index.plugins).sort(([a], [b]) => (a < b ? -1 : 1))) {
          if (seen.has(name) || !(name.includes(q) || (p.description ?? '').toLowerCase().includes(q)))
            continue;
          seen.add(name);
          const good = Object.entries(p.versions)
            .filter(([, v]) => !v.status)
            .map(([v]) => v)
            .sort(semver.rcompare);
          out.push({
            name,
            ...(p.description ? { description: p.description } : {}),
            publisher: p.publisher,
            source: m.source,
            ...(good[0] ? { latest: good[0] } : {}),
            versions: Object.keys(p.versions).length,
          });
        }
      return out;
    },
    /** Every version of a plugin with its verified statement, status and compatibility, and what is installed. */
    async info(name: string) {
      const metas = await refreshAll();
      const list = await findOffers(metas, name);
      if (list.length === 0)
        throw omegaError('OMEGA_ERR_PLUGIN_NOT_FOUND', `No marketplace source offers "${name}".`, {
          plugin: name,
        });
      const mine = ownEntry((await loadInstalledState(stateFile)).plugins, name);
      return {
        name,
        source: list[0]!.meta.source,
        publisher: list[0]!.release.statement.publisher,
        installed: mine ? { version: mine.current.version, revoked: mine.revoked } : undefined,
        versions: list
          .map(({ release: r }) => ({
            version: r.statement.version,
            status: r.status,
            engines: r.manifest.engines.omega,
            compatible: semver.satisfies(o.kernelVersion, r.manifest.engines.omega, {
              includePrerelease: true,
            }),
            permissions: r.manifest.permissions,
            dependencies: r.manifest.dependencies,
            limits: r.manifest.limits,
            artifact: r.statement.artifact,
          }))
          .sort((a, b) => semver.rcompare(a.version, b.version)),
      };
    },
    plan: async (req: ChangeRequest) => (await plan(req)).plan,
    apply,
    /**
     * Stops and removes an installed plugin: one from a marketplace (its artifacts stay in the
     * store), or one installed from a file (walk: `plugin remove` refused it, and nothing else
     * could remove it). Core plugins ship with the kernel: disable stops one. Removing the
     * kernel's auth provider needs its name as `consent` (it ends every sign-in).
     */
    async remove(name: string, consent?: string) {
      return serial(async () => {
        const state = await loadInstalledState(stateFile);
        const fromFile =
          !ownEntry(state.plugins, name) && existsSync(join(o.install.installedDir, name, 'plugin.json'));
        if (!ownEntry(state.plugins, name) && !fromFile)
          throw omegaError(
            'OMEGA_ERR_PLUGIN_NOT_FOUND',
            `"${name}" is not an installed plugin (core plugins ship with the kernel: omega plugin disable ${name} stops one).`,
            { plugin: name },
          );
        requireAuthProviderConsent(o.plugins, name, consent, 'remove');
        const dependents = o.plugins
          .list()
          .filter((p) => Object.hasOwn(p.dependencies, name))
          .map((p) => p.name);
        if (dependents.length)
          throw omegaError(
            'OMEGA_ERR_PLUGIN_DEPENDENCY',
            `${dependents.join(', ')} depend${dependents.length === 1 ? 's' : ''} on ${name}; remove ${dependents.length === 1 ? 'it' : 'them'} first.`,
            { plugin: name, dependents },
          );
        const { rm } = await import('node:fs/promises');
        await rm(join(o.install.installedDir, name), { recursive: true, force: true });
        await o.plugins.load(name).catch(() => undefined);
        delete state.plugins[name];
        await saveInstalledState(stateFile, state);
        return { name, removed: true };
      });
    },
    /**
     * Refreshes every source on its own, stops installed versions that a verified source revoked
     * (an unrelated source that fails does not hold that back), re-checks stored artifacts, and
     * reports each source that failed and the plugins it could not check.
     */
    async verify() {
      const { metas, failed } = await refreshEach();
      const revoked = await checkRevocations(revocationTarget, metas);
      const state = await loadInstalledState(stateFile);
      const verified = new Set(metas.map((m) => m.source));
      const plugins = [];
      for (const [name, p] of Object.entries(state.plugins)) {
        await fromStore({ install: o.install, plugins: o.plugins, store, healthWindowMs: 0 }, p.current);
        plugins.push({
          name,
          version: p.current.version,
          source: p.current.source,
          ok: !p.revoked,
          checked: verified.has(p.current.source),
          ...(p.revoked ? { revoked: p.revoked } : {}),
        });
      }
      return {
        sources: metas.map((m) => ({
          source: m.source,
          root: m.root.version,
          timestamp: m.timestamp.version,
          index: m.index.version,
        })),
        failed,
        plugins,
        revoked,
      };
    },
    /** Forgets a source: its pinned root and trusted state go; plugins installed from it stay installed. */
    async removeSource(name: string) {
      return serial(async () => {
        const sources = await registry.list();
        if (!sources.some((s) => s.name === name))
          throw omegaError(
            'OMEGA_ERR_NOT_FOUND',
            `No marketplace source is named "${name}"; omega plugin source list shows them.`,
            { source: name },
          );
        await registry.remove(name);
        const { rm } = await import('node:fs/promises');
        await rm(registry.stateDir(name), { recursive: true, force: true });
        return { name, removed: true };
      });
    },
  };
}
