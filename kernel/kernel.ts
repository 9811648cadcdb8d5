import { mkdirSync } from 'node:fs';
import {
  type AgentGateway,
  certificateSha256,
  createAgentGateway,
  createMdnsDiscovery,
  gatewayPlugin,
  lateAgents,
} from './agents/index.js';
import {
  type Authenticator,
  type AuthProvider,
  authorizeTopics,
  bearerFrom,
  createKernelAuth,
  createRevocationList,
  eventFilterFor,
  type KernelAuth,
  type Principal,
  pluginAuthProvider,
  REVOCATION_TOPICS,
} from './auth/index.js';
import { openKernelBus } from './boot/open-kernel-bus.js';
import { publishRequestOutcome } from './boot/publish-request-outcome.js';
import { armFirstAdmin, settleAdminAccess } from './boot/settle-admin-access.js';
import type { BusEvent, EventBus } from './bus/index.js';
import type { KernelConfig } from './config/index.js';
import { type KernelCrypto, openCrypto } from './crypto/index.js';
import { KERNEL_TOPICS } from './events/kernel-topics.js';
import { createHttpApp } from './http/create-app.js';
import { createIdempotency } from './http/idempotency.js';
import { kernelRoutes } from './http/kernel-routes.js';
import { RouteTable } from './http/route-table.js';
import { type RunningServer, startServer } from './http/serve.js';
import { uiRoutes } from './http/ui-routes.js';
import { createLogger, type Logger } from './log/index.js';
import { trustedPublisherRoutes, trustedPublishersFile } from './plugins/install/index.js';
import {
  createPluginManager,
  mergeBundledGrants,
  type PluginManager,
  pluginAdminRoutes,
  pluginPaths,
} from './plugins/manager/index.js';
import { createPanelOrigins, panelRoutes } from './plugins/ui/index.js';
import { sinkRoutes, startEventSinks } from './sinks/index.js';
import { acquireDataDirLock, openStorage, type Storage } from './storage/index.js';
import { createSystemInfo, type SystemInfo } from './system/index.js';
import { KERNEL_VERSION } from './version.js';
import { attachEventsGateway } from './ws/index.js';

/** Lifecycle state of the kernel. */
export type KernelState = 'starting' | 'ready' | 'stopping' | 'stopped';

/** A running kernel: its services (capabilities for plugins) and how to stop it. */
export interface Kernel {
  readonly config: KernelConfig;
  readonly logger: Logger;
  readonly url: string;
  readonly port: number;
  readonly storage: Storage;
  readonly crypto: KernelCrypto;
  readonly bus: EventBus;
  readonly system: SystemInfo;
  readonly routes: RouteTable;
  readonly plugins: PluginManager;
  readonly authenticator: Authenticator;
  /** Authentication internals: the decision cache, the auth provider, the admin-token opt-in. */
  readonly auth: KernelAuth;
  /** The node agents' endpoint (/api/v1/agents/connect). */
  readonly agents: AgentGateway;
  state(): KernelState;
  /** Graceful stop: refuse new work, finish in-flight requests, close streams, flush storage. */
  stop(reason?: string): Promise<void>;
}

/**
 * Starts the kernel: storage (a corrupt file stops start-up), keyring, event bus,
 * system capability, HTTP API and WebSocket gateway, in that order. Stops what it
 * started if a later step fails.
 */
export async function startKernel(
  config: KernelConfig,
  opts: { logger?: Logger; print?: (text: string) => void } = {},
): Promise<Kernel> {
  const logger = opts.logger ?? createLogger({ level: config.log.level });
  const startedAt = Date.now();
  let state: KernelState = 'starting';
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  const cleanup: Array<() => Promise<void> | void> = [];
  const unwind = async () => {
    for (const undo of cleanup.reverse()) await Promise.resolve(undo()).catch(() => {});
  };
  try {
    // One kernel per data directory: a second one refuses to start, naming the holder's pid.
    const lock = await acquireDataDirLock(config.dataDir, logger.child({ component: 'storage' }));
    cleanup.push(() => lock.release());
    const storage = await openStorage({
      dataDir: config.dataDir,
      logger: logger.child({ component: 'storage' }),
    });
    cleanup.push(() => storage.close());
    const crypto = await openCrypto({
      dataDir: config.dataDir,
      logger: logger.child({ component: 'crypto' }),
    });
    const bus = await openKernelBus(config, storage, logger);
    cleanup.push(() => bus.close());
    const system = createSystemInfo({
      cacheMs: config.system.cacheMs,
      filesystemsRecheckMs: config.system.filesystemsRecheckMs,
      logger: logger.child({ component: 'system' }),
    });

    // The auth provider (the security plugin) is looked up once the plugin manager exists.
    let findProvider: () => AuthProvider | undefined = () => undefined;
    // Revocations heard on the bus, kept by the kernel itself (persisted): they still apply
    // while the security plugin is down and the kernel accepts access tokens on their signature.
    const revocationList = createRevocationList({ storage: storage.namespace('kernel') });
    await revocationList.load();
    const auth = createKernelAuth({
      revocations: revocationList,
      verifyJwt: (token, o) => crypto.verifyJwt(token, o),
      provider: () => findProvider(),
      onBreakGlass: (use) => {
        // Once per accepted decision (cached 15 s): durable, so the sinks ship it even across a crash.
        bus
          .publishDurable(KERNEL_TOPICS.breakGlassUsed, {
            jti: use.jti,
            expiresAt: new Date(use.expiresAt).toISOString(),
          })
          .catch((err: Error) => logger.error({ err }, 'break-glass use not recorded'));
        logger.warn({ jti: use.jti }, 'break-glass token accepted while the auth provider is down');
      },
      onFallbackEnded: (name) => {
        logger.warn(
          { provider: name },
          'an auth provider runs: the admin-token file no longer signs anyone in',
        );
        // A provider without users yet (enabled for the first time): the bootstrap secret is the way in.
        const provider = findProvider();
        if (provider)
          armFirstAdmin(provider, logger, opts.print, server.url).catch((err: unknown) =>
            logger.error({ err }, 'could not arm the bootstrap secret'),
          );
      },
      ...(config.auth.adminToken ? { adminToken: config.auth.adminToken } : {}),
    });
    const authenticator = auth.authenticator;
    const revocations = bus.subscribe([...REVOCATION_TOPICS, 'plugins.plugin.*'], (batch) => {
      for (const e of batch) auth.onEvent(e.topic, e.data);
    });
    cleanup.push(() => revocations.unsubscribe());

    const routes = new RouteTable();
    const paths = pluginPaths(config);
    /** Plugins may never fetch the kernel itself; filled in once the server listens. */
    const ownPorts: number[] = [];
    await mergeBundledGrants(
      paths.grantsFile,
      paths.dirs.slice(0, -1),
      logger.child({ component: 'plugins' }),
    );
    const agentsHost = lateAgents();
    const plugins = createPluginManager({
      routes,
      dirs: paths.dirs,
      grantsFile: paths.grantsFile,
      kernelVersion: KERNEL_VERSION,
      storage,
      bus,
      system,
      crypto,
      logger: logger.child({ component: 'plugins' }),
      sandboxLogger: logger.child({ component: 'sandbox' }),
      fetch: {
        forbidPorts: ownPorts,
        allowPrivate: config.plugins.fetchAllowPrivate,
        maxBytes: 8 * 1024 * 1024,
        timeoutMs: 10_000,
      },
      sandbox: { warmHosts: config.plugins.warmHosts },
      storageQuotaBytes: Math.floor(config.plugins.storageQuotaMb * 1024 * 1024),
      agents: agentsHost.host,
    });
    cleanup.push(() => plugins.stop());
    findProvider = pluginAuthProvider(plugins);
    const facts = {
      version: KERNEL_VERSION,
      startedAt,
      readiness: () => ({ storage: state !== 'stopped', plugins: plugins.ready() && state === 'ready' }),
      plugins: () => plugins.list().map((p) => ({ name: p.name, version: p.version, status: p.status })),
      systemSnapshot: () => system.snapshot(),
      tags: () => [
        {
          name: 'kernel',
          description: 'The kernel: health, readiness, events, plugins, system metrics, agents',
        },
        ...plugins
          .list()
          .map((p) => ({ name: p.name, description: p.description ?? `The ${p.name} plugin` })),
      ],
      // Operator events are on disk before the 202 (the bus's event log; see open-kernel-bus).
      publish: async (topic: string, data: unknown) => {
        const e: BusEvent = await bus.publishDurable(topic, data);
        return { seq: e.seq, topic: e.topic, time: e.time };
      },
    };
    for (const route of kernelRoutes(routes, facts)) routes.add(route);
    // Fixed paths before /api/v1/plugins/:name, which would otherwise take them.
    for (const route of trustedPublisherRoutes(trustedPublishersFile(config.dataDir))) routes.add(route);
    for (const route of pluginAdminRoutes(plugins, paths.grantsFile)) routes.add(route);
    const panelOrigins = createPanelOrigins(config.ui);
    for (const route of uiRoutes(plugins, { version: KERNEL_VERSION }, panelOrigins)) routes.add(route);
    const panelGrants = { file: paths.grantsFile, reload: (name: string) => plugins.reload(name) };
    const publish = (topic: string, data: unknown) => bus.publish(topic, data);
    for (const route of panelRoutes(plugins, publish, panelGrants, panelOrigins)) routes.add(route);
    const sinks = await startEventSinks({
      sinks: config.sinks,
      bus,
      store: storage.namespace('kernel'),
      logger: logger.child({ component: 'sinks' }),
      userAgent: `omega/${KERNEL_VERSION}`,
    });
    cleanup.push(() => sinks.close());
    for (const route of sinkRoutes(() => sinks.status())) routes.add(route);
    // Installing a packed plugin (with the operator's consent) is the marketplace's route: the
    // composition root attaches it (marketplace/api attachMarketplace), with the one consent rule.

    // Idempotency-Key answers are kept in the kernel's own namespace, so a retry after a restart replays.
    const idempotency = createIdempotency({ storage: storage.namespace('kernel') });
    await idempotency.load();
    const app = createHttpApp({
      idempotency,
      table: routes,
      authenticator,
      logger: logger.child({ component: 'http' }),
      bodyLimitBytes: config.http.bodyLimitBytes,
      isStopping: () => state === 'stopping',
      observe: (o) => publishRequestOutcome(bus, o),
      log: { slowMs: config.log.slowRequestMs, summaryIntervalMs: config.log.requestSummarySec * 1000 },
    });
    cleanup.push(() => app.close());
    const server: RunningServer = await startServer({
      fetch: app.fetch,
      host: config.host,
      port: config.port,
      tls: config.tls,
      requestTimeoutMs: config.http.requestTimeoutMs,
      logger,
    });
    cleanup.push(() => server.close(0));
    ownPorts.push(server.port);
    const gateway = attachEventsGateway({
      server: server.server,
      bus,
      // The gateway has already moved a `bearer.<token>` subprotocol into the Authorization header.
      authenticate: (req) => {
        const bearer = bearerFrom(req.headers.authorization);
        return bearer
          ? authenticator.authenticate({ bearer, headers: req.headers, remote: req.socket.remoteAddress })
          : Promise.resolve(null);
      },
      // Per topic: events:subscribe, plus security:read for anything that could match security.** or
      // audit.**; per event: another user's sessions.* only with sessions-all:read.
      authorize: async (principal, patterns) => authorizeTopics(principal as Principal, patterns),
      filterFor: (principal) => eventFilterFor(principal as Principal),
      logger: logger.child({ component: 'ws' }),
      pingIntervalMs: config.ws.pingIntervalMs,
      maxBufferedBytes: config.ws.maxBufferedBytes,
    });
    cleanup.push(() => gateway.close());
    const discovery = config.agents.discovery.enabled
      ? createMdnsDiscovery({
          interfaces: config.agents.discovery.interfaces,
          logger: logger.child({ component: 'agents' }),
        })
      : undefined;
    if (discovery) cleanup.push(() => discovery.close());
    const agents = createAgentGateway({
      ...(discovery ? { discovery } : {}),
      server: server.server,
      crypto,
      gateway: gatewayPlugin(plugins),
      logger: logger.child({ component: 'agents' }),
      heartbeatMs: config.agents.heartbeatMs,
      maxPendingHandshakes: config.agents.maxPendingHandshakes,
      info: {
        url: config.agents.publicUrl ?? server.url,
        tls: config.tls !== undefined,
        ...(config.tls ? { certSha256: certificateSha256(config.tls.cert) } : {}),
      },
    });
    agentsHost.bind(agents.host);
    cleanup.push(() => agents.close());

    await plugins.start();
    await settleAdminAccess(config, auth, findProvider(), logger, opts.print, server.url);
    state = 'ready';
    bus.publish(KERNEL_TOPICS.started, { version: KERNEL_VERSION, url: server.url });
    logger.info({ url: server.url, version: KERNEL_VERSION, dataDir: config.dataDir }, 'omega kernel ready');

    let stopping: Promise<void> | undefined;
    return {
      config,
      logger,
      url: server.url,
      port: server.port,
      storage,
      crypto,
      bus,
      system,
      routes,
      plugins,
      authenticator,
      auth,
      agents,
      state: () => state,
      stop: (reason = 'stop requested') => {
        stopping ??= (async () => {
          state = 'stopping';
          logger.info({ reason }, 'omega kernel stopping');
          bus.publish(KERNEL_TOPICS.stopping, { reason });
          await gateway.close();
          await agents.close();
          discovery?.close();
          await server.close(config.http.shutdownGraceMs);
          app.close();
          await plugins.stop();
          await sinks.close();
          bus.close();
          await storage.close().finally(() => lock.release());
          state = 'stopped';
          logger.info('omega kernel stopped');
          logger.flush();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
