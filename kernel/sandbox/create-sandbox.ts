import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { HostCgroupLayout } from './cgroup/host-cgroup-layout.js';
import {
  type HostCgroupOptions,
  prepareHostCgroups,
  removeHostCgroups,
  setSandboxCpuWeight,
} from './cgroup/prepare-host-cgroups.js';
import type { DeniedCall } from './create-bridge.js';
import { createHostPool } from './create-host-pool.js';
import { createPluginInstance, type PluginInstance, type PluginSpec } from './create-plugin-instance.js';
import type { Authorize, HostServices } from './host-services.js';
import {
  DEFAULT_PLUGIN_LIMITS,
  hostDataLimitBytes,
  type PluginLimits,
  resolveLimits,
} from './plugin-limits.js';
import type { PluginStatusEvent } from './plugin-status.js';
import type { HostEntry } from './resolve-host-entry.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.js';

/** Largest frame the kernel accepts from a host; per-call limits are far below it. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** Options of {@link createSandbox}. */
export interface SandboxOptions {
  logger: Logger;
  /** Pre-spawned hosts kept ready (default 1; 0 = spawn on demand). */
  warmHosts?: number;
  restart?: Partial<RestartPolicy>;
  /** RLIMIT_DATA of a host = (hostBaseMb + 2 × memoryMb) MB (default base 256). */
  hostBaseMb?: number;
  /** Every plugin state change (publish it on the bus, audit it). */
  onStatus?: (e: PluginStatusEvent) => void;
  /** Every host call refused by a permission gate (audit it). */
  onDenied?: (d: DeniedCall) => void;
  /** What plugin hosts run (default: resolveHostEntry(), i.e. dist/plugin-host.cjs when built). */
  hostEntry?: HostEntry;
  /**
   * Host cgroups (default `auto`: each host in its own cgroup wherever one is writable;
   * `{ mode: 'none' }`: none, the CPU credit and RLIMIT_DATA then hold hosts).
   */
  cgroups?: HostCgroupOptions;
}

/** What the kernel hands the sandbox to start one plugin. */
export interface StartOptions {
  name: string;
  version: string;
  bundleCode: string;
  limits?: Partial<PluginLimits>;
  /** The plugin's permission gate (e.g. `createPermissionGate(...).check`). */
  authorize: Authorize;
  services: HostServices;
  /** The handlers its manifest names, each to be exported (PluginSpec.handlers). */
  handlers?: PluginSpec['handlers'];
}

/** The kernel's plugin runtime. */
export interface Sandbox {
  /** Starts a plugin; resolves once its first start settled (running, or backoff/quarantined: see status()). */
  start(opts: StartOptions): Promise<PluginInstance>;
  get(name: string): PluginInstance | undefined;
  list(): PluginInstance[];
  /** Where plugin hosts' cgroups go on this machine and what they enforce (once detected). */
  cgroups(): Promise<HostCgroupLayout>;
  /** Disposes every plugin and the warm hosts: no process, isolate, timer or cgroup is left. */
  close(): Promise<void>;
}

/**
 * Creates the sandbox: each plugin runs in its own supervised plugin-host process (one
 * isolate, one context), reached over a framed socketpair, with deadlines, CPU credit and
 * memory caps enforced from outside.
 */
export function createSandbox(opts: SandboxOptions): Sandbox {
  const restart = { ...DEFAULT_RESTART_POLICY, ...opts.restart };
  const hostBaseMb = opts.hostBaseMb ?? 256;
  const pool = createHostPool({
    size: opts.warmHosts ?? 1,
    dataLimitBytes: hostDataLimitBytes(DEFAULT_PLUGIN_LIMITS, hostBaseMb),
    maxFrameBytes: MAX_FRAME_BYTES,
    ...(opts.hostEntry ? { entry: opts.hostEntry } : {}),
  });
  const instances = new Map<string, PluginInstance>();
  const removals = new Set<Promise<void>>();
  let closed = false;
  const layout = prepareHostCgroups(opts.cgroups).then((l) => {
    const caps = [...new Set(l.placements.flatMap((p) => p.roles))].join(', ');
    if (l.mode === 'none')
      opts.logger.warn(
        { notes: l.notes },
        'plugin hosts run without cgroups: the CPU share is held by the CPU credit (a host over it is killed), memory by RLIMIT_DATA, no pids cap',
      );
    else if (l.notes.length > 0)
      opts.logger.warn(
        { mode: l.mode, caps, notes: l.notes },
        'plugin host cgroups enforce only part of the limits',
      );
    else opts.logger.info({ mode: l.mode, caps }, 'each plugin host runs in its own cgroup');
    return l;
  });

  return {
    async start(s) {
      if (closed) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The sandbox is closed.');
      const cgroups = await layout;
      if (closed) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The sandbox is closed.');
      if (instances.has(s.name)) {
        throw omegaError('OMEGA_ERR_ALREADY_EXISTS', `Plugin "${s.name}" is already started.`, {
          plugin: s.name,
        });
      }
      const instance = createPluginInstance({
        spec: {
          name: s.name,
          version: s.version,
          bundleCode: s.bundleCode,
          limits: resolveLimits(s.limits),
          authorize: s.authorize,
          services: s.services,
          ...(s.handlers ? { handlers: s.handlers } : {}),
        },
        pool,
        restart,
        hostBaseMb,
        cgroups,
        onCgroupRemoval: (done) => {
          removals.add(done);
          void setSandboxCpuWeight(cgroups, removals.size);
          void done.finally(() => {
            removals.delete(done);
            void setSandboxCpuWeight(cgroups, removals.size);
          });
        },
        logger: opts.logger,
        onDisposed: () => {
          if (instances.get(s.name) === instance) instances.delete(s.name);
        },
        ...(opts.onStatus ? { onStatus: opts.onStatus } : {}),
        ...(opts.onDenied ? { onDenied: opts.onDenied } : {}),
      });
      instances.set(s.name, instance);
      await instance.waitFor(['running', 'backoff', 'quarantined', 'stopped']);
      return instance;
    },
    get: (name) => instances.get(name),
    list: () => [...instances.values()],
    cgroups: () => layout,
    async close() {
      closed = true;
      await Promise.all([...instances.values()].map((i) => i.dispose()));
      await pool.close();
      await Promise.all([...removals]);
      await removeHostCgroups(await layout);
    },
  };
}
