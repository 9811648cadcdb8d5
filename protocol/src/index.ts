/*
 * @omega/protocol: the contract between the Omega kernel, plugins (through @omega/sdk), the
 * marketplace and the CLI. Data and pure functions only; depends on zod and semver.
 */
export * from './access/allows-permission.js';
export * from './capabilities/index.js';
export { isSmallOrderEd25519, isSmallOrderEd25519X } from './crypto/ed25519-small-order.js';
export * from './errors/index.js';
export * from './events/index.js';
export {
  CTX_INDIRECT_CALLS,
  CTX_SURFACE,
  type CtxMethodPath,
  type CtxMethodSpec,
  type CtxSurface,
  NO_ANSWER_CALLS,
} from './host-calls/ctx-surface.js';
export {
  type CtxMethod,
  defineHostCall,
  type HostCallBudget,
  type HostCallGroup,
  type HostCallSpec,
} from './host-calls/define-host-call.js';
export type {
  AgentConnectionResult,
  AgentGatewayInfoResult,
  DiscoveredAgentResult,
  EphemeralPageResult,
  FetchResult,
  ListPageResult,
  StoredRecordResult,
  SubscriptionResult,
  SystemSampleResult,
  TimerResult,
  TimerTick,
  TransactionOpResult,
  VerifyResult,
} from './host-calls/host-call-results.js';
export {
  HOST_CALL_NAMES,
  type HostCallArgs,
  type HostCallName,
  type HostCallResult,
  isHostCallName,
} from './host-calls/host-call-types.js';
export { HOST_CALLS } from './host-calls/host-calls.js';
export * from './manifest/index.js';
export type { RouteCaller, ServiceCaller } from './plugin-calls/caller.js';
export {
  type ActivationResult,
  type EventDelivery,
  type EventDeliveryResult,
  PLUGIN_CALL_KINDS,
  PLUGIN_CALLS,
  type PluginCallKind,
  type PluginCallPayload,
  type PluginCallResult,
  type RouteRequest,
  type RouteResponse,
  type ServiceRequest,
} from './plugin-calls/plugin-calls.js';
