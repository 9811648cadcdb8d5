import { type PluginManifest, routeShapeKey } from '@omega/protocol';
import { AGENT_GATEWAY_SERVICE } from '../../agents/gateway-plugin.js';
import { declaresAuthProviderService } from '../../auth/index.js';
import { refreshCookieRole } from '../../auth/refresh-cookie.js';
import { hasErrorCode, type OmegaError, omegaError } from '../../errors/index.js';
import { KERNEL_TOPICS } from '../../events/kernel-topics.js';
import type { RouteTable } from '../../http/route-table.js';
import { type RouteValidator, routeValidators } from '../../http/route-validation/index.js';
import type { Logger } from '../../log/index.js';
import { createPermissionGate, type PermissionGate } from '../../permissions/index.js';
import { createSandbox, resolveLimits, type Sandbox, type SandboxOptions } from '../../sandbox/index.js';
import { discoverPlugins } from '../discover-plugins.js';
import type { Grants, PluginGrants } from '../grants-schema.js';
import { loadGrants } from '../load-grants.js';
import { missingGrants } from '../missing-grants.js';
import { planLoad } from '../plan-load.js';
import type { PluginUi } from '../ui/index.js';
import { hostServicesFor, type KernelServices } from './host-services-for.js';
import { callCount, createEntry, drain, type Entry, serially, track } from './plugin-entry.js';
import { pluginRoute } from './plugin-route.js';
import { type PluginView, pluginView } from './plugin-view.js';
import { ServiceRegistry } from './service-registry.js';
import { stopInDependencyOrder } from './stop-in-dependency-order.js';

/** Options of {@link createPluginManager}. */
export interface PluginManagerOptions extends Omit<KernelServices, 'services'> {
  routes: RouteTable;
  /** Plugin folders, searched in order: the bundled plugins, then the installed-plugins store. */
  dirs: string[];
  grantsFile: string;
  kernelVersion: string;
  sandbox?: Omit<SandboxOptions, 'logger' | 'onStatus' | 'onDenied'>;
  /**
   * The plugin hosts' logger, tagged by the caller (`component: 'sandbox'`): a child of `logger`
   * would carry `component` twice, since pino appends bindings rather than replacing them.
   */
  sandboxLogger: Logger;
}

/** The kernel's plugin lifecycle: discover, check, grant, start in order, mount, enable/disable/reload. */
export interface PluginManager {
  /** Discovers and starts every enabled plugin (dependencies first). */
  start(): Promise<void>;
  list(): PluginView[];
  /** OMEGA_ERR_PLUGIN_NOT_FOUND for an unknown name. */
  info(name: string): PluginView;
  enable(name: string): Promise<PluginView>;
  disable(name: string): Promise<PluginView>;
  /** Re-reads the plugin from disk (bundle, manifest, grants), stops it and starts it again. */
  reload(name: string): Promise<PluginView>;
  /**
   * Reads plugin `name` from disk (new or replaced, e.g. just installed), enables it and starts
   * it; a running copy is stopped first. OMEGA_ERR_PLUGIN_NOT_FOUND when no usable copy is on disk.
   */
  load(name: string): Promise<PluginView>;
  /** True once every enabled, startable plugin has settled. */
  ready(): boolean;
  /**
   * The first plugin, in start order, that runs now and may answer as the auth provider
   * (decided once per start, see Entry.providesAuth); cheap enough for every cache miss.
   */
  authProvider(): string | undefined;
  /**
   * True when plugin `name` answers as the auth provider when it runs (Entry.providesAuth, decided
   * at its last start) — also while it restarts after a crash or a reload.
   */
  providesAuth(name: string): boolean;
  /**
   * Whether plugin `name`, as last read from disk, would start and answer as the auth provider
   * under `grants`.
   */
  providesAuthWith(name: string, grants: Pick<PluginGrants, 'granted' | 'denied'>): boolean;
  /** Likewise the agent gateway plugin (Entry.providesAgentGateway). */
  agentGateway(): string | undefined;
  /**
   * Plugin `name`'s verified UI, whether the plugin runs now and the ids of the panels the
   * operator granted (grants `panels`); undefined: no such plugin, or no UI.
   */
  ui(name: string): { ui: PluginUi; running: boolean; grantedPanels: readonly string[] } | undefined;
  readonly services: ServiceRegistry;
  stop(): Promise<void>;
}

const asReason = (e: OmegaError) => ({ code: e.code, message: e.message });
const asOmega = (err: unknown): OmegaError =>
  hasErrorCode(err)
    ? (err as OmegaError)
    : omegaError('OMEGA_ERR_PLUGIN_FAILED', 'The plugin could not be started.');
const ENABLED = { ns: 'kernel', collection: 'plugins' } as const;

/** Whether a plugin with manifest `m` answers as the auth provider under `gate` (its grants). */
const answersAsAuthProvider = (m: PluginManifest, gate: Pick<PermissionGate, 'allows'>): boolean =>
  declaresAuthProviderService(m) && gate.allows({ kind: 'auth.provider' });

/** A grants file's route key (`GET /a/:id`) by its shape (`GET /a/:`): parameter names aside. */
const shapeOfRouteKey = (key: string): string => {
  const space = key.indexOf(' ');
  return space === -1 ? key : routeShapeKey(key.slice(0, space), key.slice(space + 1));
};

/** Creates the plugin manager; core plugins load exactly like third-party ones. */
export function createPluginManager(opts: PluginManagerOptions): PluginManager {
  const { logger, bus, storage } = opts;
  const services = new ServiceRegistry();
  const entries = new Map<string, Entry>();
  const disabled = new Set<string>();
  let grants: Grants = {};
  let settled = false;
  const kernel: KernelServices = { ...opts, services };

  let sandboxInstance: Sandbox | undefined;
  /** Created on first use, so a kernel without plugins spawns no plugin host at all. */
  const sandbox = (): Sandbox =>
    (sandboxInstance ??= createSandbox({
      ...opts.sandbox,
      logger: opts.sandboxLogger,
      onStatus: (e) => {
        bus.publish(KERNEL_TOPICS.pluginState(e.state), e);
        if (!e.reason) return;
        // Crashes and quarantines are the operator's business; a stop on request is routine.
        const level = e.state === 'stopped' ? 'info' : 'warn';
        logger[level]({ plugin: e.plugin, state: e.state, reason: e.reason, cause: e.cause }, 'plugin state');
      },
      onDenied: (d) => {
        bus.publish(KERNEL_TOPICS.permissionDenied, {
          plugin: d.plugin,
          version: d.version,
          call: d.call,
          descriptor: d.descriptor,
          message: d.message,
        });
        logger.warn({ plugin: d.plugin, call: d.call, descriptor: d.descriptor }, 'plugin permission denied');
      },
    }));

  const entry = (name: string): Entry => {
    const e = entries.get(name);
    if (!e)
      throw omegaError('OMEGA_ERR_PLUGIN_NOT_FOUND', `No plugin named "${name}" is installed.`, {
        plugin: name,
      });
    return e;
  };

  const view = (e: Entry): PluginView => {
    const m = e.found.manifest;
    const g = grants[m.name] ?? { granted: [], denied: [] };
    return pluginView({
      manifest: m,
      dir: e.found.dir,
      enabled: !disabled.has(m.name),
      reasons: e.reasons.map(asReason),
      grants: g,
      missing: missingGrants(m, grants),
      ...runtimeOf(e),
    });
  };

  /** The runtime status; while sandbox.start() has not settled, the sandbox's instance shows `activating`. */
  const runtimeOf = (e: Entry) => {
    const instance = e.instance ?? sandboxInstance?.get(e.found.manifest.name);
    return instance ? { runtime: instance.status() } : {};
  };

  /** Withdraws `e`'s services: a call to them is NOT_FOUND from here on. */
  function withdraw(e: Entry): void {
    for (const undo of e.unprovide.splice(0).reverse()) undo();
    e.stopping = false;
  }

  /**
   * Unmounts the routes and marks the plugin stopping (no new calls: its services answer
   * "stopping, retry later"), lets calls in flight finish (bounded), disposes the sandbox, and
   * only then withdraws its services (a call to them is NOT_FOUND from there on) — unless
   * `restarting`: a reload keeps its services answering "stopping" and its routes mounted
   * (answering 503 "restarting" while Entry.restarting, see replace) until its start provides
   * and mounts them again.
   */
  async function stopOne(e: Entry, restarting = false): Promise<void> {
    e.stopping = true;
    try {
      if (!restarting) unmountRoutes(e);
      await drain(e, e.found.manifest.limits.callTimeoutMs);
      const instance = e.instance;
      e.instance = undefined;
      await instance?.dispose();
    } finally {
      if (!restarting) withdraw(e);
    }
  }

  /** Takes `e`'s routes out of the route table (a request to them is 404 from here on). */
  function unmountRoutes(e: Entry): void {
    for (const undo of e.undo.splice(0).reverse()) undo();
  }

  /** Starts `e`; on any failure undoes what it registered and records why. */
  async function tryStart(e: Entry): Promise<void> {
    try {
      await startOne(e);
      // A disable that landed while the sandbox was starting wins.
      if (disabled.has(e.found.manifest.name)) await stopOne(e);
    } catch (err) {
      await stopOne(e);
      e.reasons.push(asOmega(err));
      if (!disabled.has(e.found.manifest.name)) mountRoutes(e);
      logger.error({ plugin: e.found.manifest.name, code: asOmega(err).code }, 'plugin start failed');
    }
  }

  /**
   * Mounts the manifest's routes: they answer while the plugin runs, and 503 with the reason
   * while it is refused or stopped (a route that vanished would read as 404, "no such thing").
   */
  function mountRoutes(e: Entry): void {
    const m = e.found.manifest;
    const g = grants[m.name] ?? { granted: [], denied: [] };
    const reasons = () => e.reasons.map((r) => ({ code: r.code, message: r.message }));
    // A declared schema that does not compile refuses the plugin (its routes answer 503 with why).
    let validators = new Map<PluginManifest['routes'][number], RouteValidator>();
    try {
      validators = routeValidators(m);
    } catch (err) {
      if (!e.reasons.some((r) => r.code === asOmega(err).code)) e.reasons.push(asOmega(err));
    }
    // The operator may choose who calls a route (e.g. a public scrape endpoint); the manifest is
    // the default. Matched by the route's shape: an override of `GET /greetings/:who` still holds
    // when a new version names the parameter `:name` (review: the override no longer matched, and
    // a route the operator had closed was public again, while the consent diff saw no change).
    const overrides = new Map(
      Object.entries(g.routes ?? {}).map(([key, p]) => [shapeOfRouteKey(key), p] as const),
    );
    for (const route of m.routes) {
      const permission = overrides.get(routeShapeKey(route.method, route.path)) ?? route.permission;
      const cookieRole = refreshCookieRole(route.method, route.path);
      e.undo.push(
        opts.routes.add(
          pluginRoute(
            m.name,
            { ...route, permission },
            {
              instance: () => e.instance,
              deadlineMs: m.limits.callTimeoutMs,
              calls: callCount(e),
              logger,
              reasons,
              restarting: () => e.restarting,
              validate: validators.get(route),
              // Decided at request time: whether the plugin provides auth is known once it started.
              ...(cookieRole ? { refreshCookie: () => (e.providesAuth ? cookieRole : undefined) } : {}),
            },
          ),
        ),
      );
    }
  }

  async function startOne(e: Entry): Promise<void> {
    const m = e.found.manifest;
    // What a refused start or a restart left mounted (its 503 routes) goes before anything is mounted again.
    unmountRoutes(e);
    withdraw(e);
    if (disabled.has(m.name)) return;
    mountRoutes(e);
    if (e.reasons.length > 0) return;
    const missing = missingGrants(m, grants);
    if (missing.length > 0) {
      e.reasons.push(
        omegaError(
          'OMEGA_ERR_PLUGIN_NOT_GRANTED',
          `Plugin "${m.name}" declares permissions the operator has not granted: ${missing.join(', ')}. Grant them in ${opts.grantsFile} (or PUT /api/v1/plugins/${m.name}/grants), then enable it.`,
          { plugin: m.name, missing },
        ),
      );
      return;
    }
    for (const dep of Object.keys(m.dependencies)) {
      const d = entries.get(dep);
      if (!d?.instance || disabled.has(dep)) {
        e.reasons.push(
          omegaError(
            'OMEGA_ERR_PLUGIN_DEPENDENCY',
            `Plugin "${m.name}" needs "${dep}", which is not running.`,
            {
              plugin: m.name,
              dependency: dep,
            },
          ),
        );
        return;
      }
    }
    const g = grants[m.name] ?? { granted: [], denied: [] };
    const gate = createPermissionGate({
      plugin: m.name,
      declared: m.permissions,
      granted: g.granted,
      denied: g.denied,
    });
    e.providesAuth = answersAsAuthProvider(m, gate);
    e.providesAgentGateway =
      m.services.some((s) => s.name === AGENT_GATEWAY_SERVICE) && gate.allows({ kind: 'agents.gateway' });
    const getInstance = () => e.instance;
    const stopping = () => e.stopping;
    const run = <T>(call: () => Promise<T>) => track(e, call);
    const declaredRoutes = new Set(m.routes.map((r) => routeShapeKey(r.method, r.path)));
    for (const key of Object.keys(g.routes ?? {})) {
      if (!declaredRoutes.has(shapeOfRouteKey(key)))
        logger.warn({ plugin: m.name, route: key }, 'grants name a route the manifest does not declare');
    }
    for (const s of m.services) {
      e.unprovide.push(
        services.provide(`${m.name}.${s.name}`, {
          plugin: m.name,
          handler: s.handler ?? s.name,
          instance: getInstance,
          stopping,
          deadlineMs: m.limits.callTimeoutMs,
          run,
        }),
      );
    }
    e.instance = await sandbox().start({
      name: m.name,
      version: m.version,
      bundleCode: e.found.code,
      limits: m.limits,
      handlers: {
        routes: m.routes.map((r) => r.handler),
        services: m.services.map((s) => s.handler ?? s.name),
      },
      authorize: (d) => gate.check(d),
      services: hostServicesFor(
        { name: m.name, version: m.version },
        gate,
        kernel,
        resolveLimits(m.limits).maxCallBytes,
      ),
    });
  }

  /** Reads grants and every plugin folder; returns the plan's entries in start order. */
  async function discover(): Promise<Map<string, Pick<Entry, 'found' | 'reasons'>>> {
    grants = await loadGrants(opts.grantsFile);
    const found = await discoverPlugins({ dirs: opts.dirs });
    for (const err of found.errors) {
      logger.error(
        { dirs: err.dirs, plugin: err.name, code: err.error.code, detail: err.error.message },
        'plugin not loadable',
      );
    }
    const plan = planLoad(found.plugins, { kernelVersion: opts.kernelVersion });
    const refusals = new Map(plan.refused.map((r) => [r.name, r.reasons]));
    const out = new Map<string, Pick<Entry, 'found' | 'reasons'>>();
    for (const p of [...plan.start, ...found.plugins.filter((f) => refusals.has(f.manifest.name))]) {
      out.set(p.manifest.name, { found: p, reasons: [...(refusals.get(p.manifest.name) ?? [])] });
    }
    return out;
  }

  async function loadDisabled(): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await storage.list<{ enabled: boolean }>(
        ENABLED.ns,
        ENABLED.collection,
        cursor ? { cursor } : {},
      );
      for (const r of page.items) if (!r.value.enabled) disabled.add(r.id);
      cursor = page.nextCursor;
    } while (cursor);
  }

  async function setEnabled(name: string, enabled: boolean): Promise<void> {
    await storage.set(ENABLED.ns, ENABLED.collection, name, { enabled });
    if (enabled) disabled.delete(name);
    else disabled.add(name);
  }

  /**
   * Stops `name` if it runs, reads every plugin folder again, and starts the fresh copy
   * (`enable`: also mark it enabled, e.g. after an install). Plugins that appeared on disk
   * meanwhile are listed, not started.
   */
  async function replace(name: string, enable: boolean): Promise<PluginView> {
    const known = entries.get(name);
    // Its routes answer 503 "restarting" from the stop until the new copy has started or failed.
    if (known) known.restarting = true;
    try {
      return await replaceNow(name, enable, known);
    } finally {
      if (known) known.restarting = false;
    }
  }

  async function replaceNow(name: string, enable: boolean, known: Entry | undefined): Promise<PluginView> {
    if (enable) await setEnabled(name, true);
    // Its services answer "stopping" until its start provides them again (or it is gone).
    let fresh: Awaited<ReturnType<typeof discover>>;
    try {
      if (known) await stopOne(known, true);
      fresh = await discover();
    } catch (err) {
      if (known) {
        unmountRoutes(known);
        withdraw(known);
      }
      throw err;
    }
    const f = fresh.get(name);
    if (!f) {
      if (known) {
        unmountRoutes(known);
        withdraw(known);
      }
      entries.delete(name);
      throw omegaError('OMEGA_ERR_PLUGIN_NOT_FOUND', `Plugin "${name}" is not on disk, or not loadable.`, {
        plugin: name,
      });
    }
    const e = known ?? createEntry(f.found, f.reasons);
    e.found = f.found;
    e.reasons = f.reasons;
    entries.set(name, e);
    for (const [other, g] of fresh)
      if (!entries.has(other)) entries.set(other, createEntry(g.found, g.reasons));
    await tryStart(e);
    return view(e);
  }

  /** Entries in start order (the plan's order, kept by insertion). */
  const ordered = () => [...entries.values()];

  return {
    services,
    async start() {
      await loadDisabled();
      for (const [name, f] of await discover()) entries.set(name, createEntry(f.found, f.reasons));
      for (const e of ordered()) await serially(e, () => tryStart(e));
      settled = true;
      logger.info(
        { plugins: ordered().map((e) => ({ name: e.found.manifest.name, status: view(e).status })) },
        'plugins started',
      );
    },
    list: () => ordered().map(view),
    info: (name) => view(entry(name)),
    enable(name) {
      const e = entry(name);
      return serially(e, async () => {
        await setEnabled(name, true);
        if (!e.instance) {
          e.reasons = e.reasons.filter(
            (r) =>
              r.code !== 'OMEGA_ERR_PLUGIN_NOT_GRANTED' &&
              r.code !== 'OMEGA_ERR_PLUGIN_DEPENDENCY' &&
              r.code !== 'OMEGA_ERR_PLUGIN_FAILED',
          );
          grants = await loadGrants(opts.grantsFile);
          await tryStart(e);
        }
        return view(e);
      });
    },
    disable(name) {
      const e = entry(name);
      return serially(e, async () => {
        await setEnabled(name, false);
        await stopOne(e);
        return view(e);
      });
    },
    reload(name) {
      return serially(entry(name), () => replace(name, false));
    },
    load(name) {
      const known = entries.get(name);
      return known ? serially(known, () => replace(name, true)) : replace(name, true);
    },
    ready: () => settled,
    authProvider() {
      for (const e of entries.values()) {
        if (e.providesAuth && e.instance?.status().state === 'running') return e.found.manifest.name;
      }
      return undefined;
    },
    providesAuth(name) {
      return entries.get(name)?.providesAuth === true;
    },
    providesAuthWith(name, g) {
      const m = entries.get(name)?.found.manifest;
      // …and it would start: a declared permission left undecided refuses it (review).
      return (
        m !== undefined &&
        answersAsAuthProvider(m, createPermissionGate({ plugin: m.name, declared: m.permissions, ...g })) &&
        missingGrants(m, { [m.name]: { granted: g.granted, denied: g.denied } }).length === 0
      );
    },
    agentGateway() {
      for (const e of entries.values()) {
        if (e.providesAgentGateway && e.instance?.status().state === 'running') return e.found.manifest.name;
      }
      return undefined;
    },
    ui(name) {
      const e = entries.get(name);
      const ui = e?.found.ui;
      if (!e || !ui) return undefined;
      return {
        ui,
        running: !disabled.has(name) && e.instance?.status().state === 'running',
        grantedPanels: grants[name]?.panels ?? [],
      };
    },
    async stop() {
      const stops = stopInDependencyOrder(ordered(), {
        name: (e) => e.found.manifest.name,
        dependsOn: (e) => Object.keys(e.found.manifest.dependencies),
        stop: (e) => serially(e, () => stopOne(e)),
      });
      const results = await Promise.allSettled(stops);
      await sandboxInstance?.close();
      for (const r of results) if (r.status === 'rejected') throw r.reason;
    },
  };
}
