export { type ByteBudget, createByteBudget } from './byte-budget.js';
export { callRoute, invokeRoute, readRouteAnswer } from './call-route.js';
export {
  CPU_PERIOD_US,
  createHostCgroup,
  type EnforcedCaps,
  type HostCgroup,
  type HostCgroupLimits,
  type HostCgroupUsage,
  millicoresToQuotaUs,
} from './cgroup/create-host-cgroup.js';
export type {
  CgroupMode,
  CgroupPlacement,
  CgroupRole,
  HostCgroupLayout,
} from './cgroup/host-cgroup-layout.js';
export {
  type HostCgroupOptions,
  prepareHostCgroups,
  removeHostCgroups,
} from './cgroup/prepare-host-cgroups.js';
export { type CpuCredit, createCpuCredit, readProcessCpuMs } from './cpu-credit.js';
export { type Bridge, type BridgeOptions, createBridge, type DeniedCall } from './create-bridge.js';
export { createHostPool, type HostPool, type HostPoolOptions } from './create-host-pool.js';
export {
  createPluginInstance,
  type PluginInstance,
  type PluginInstanceOptions,
  type PluginSpec,
} from './create-plugin-instance.js';
export {
  createRegistrations,
  type Registrations,
  type RegistrationsOptions,
} from './create-registrations.js';
export { createSandbox, type Sandbox, type SandboxOptions, type StartOptions } from './create-sandbox.js';
export { describeContainment } from './describe-containment.js';
export type { HostEnv } from './host-env.js';
export { HOST_FUNCTIONS, type HostFunction, type HostFunctionRegistry } from './host-functions.js';
export type {
  Authorize,
  HostServices,
  SandboxAgents,
  SandboxAuth,
  SandboxBus,
  SandboxCrypto,
  SandboxEphemeral,
  SandboxFetch,
  SandboxFetchInit,
  SandboxServices,
  SandboxStorage,
  SandboxSystem,
} from './host-services.js';
export type { HostSession, HostStats, LoadedPlugin } from './host-session.js';
export { jsonDepthWithin, parseUntrustedJson } from './json-guard.js';
export { callPlugin, type PluginCallTarget, readPluginResult } from './plugin-call.js';
export {
  DEFAULT_PLUGIN_LIMITS,
  hostDataLimitBytes,
  type PluginLimits,
  resolveLimits,
} from './plugin-limits.js';
export type {
  PluginContainment,
  PluginKillCause,
  PluginState,
  PluginStatus,
  PluginStatusEvent,
} from './plugin-status.js';
export { type HostEntry, resolveHostEntry } from './resolve-host-entry.js';
export {
  DEFAULT_RESTART_POLICY,
  decideRestart,
  type RestartDecision,
  type RestartPolicy,
} from './restart-policy.js';
export { type HostExit, type HostProcess, type SpawnHostOptions, spawnHost } from './spawn-host.js';
export { type PluginErrorData, toPluginError } from './to-plugin-error.js';
export { validateRouteResponse } from './validate-route-response.js';
