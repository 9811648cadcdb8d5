export { CTX_INDIRECT_CALLS, CTX_SURFACE, type CtxMethodPath, type CtxMethodSpec } from './ctx-surface.js';
export { defineHostCall, type HostCallSpec } from './define-host-call.js';
export { EVENT_ENVELOPE_BYTES, MAX_EVENT_DATA_BYTES } from './event-limits.js';
export type {
  FetchResult,
  ListPageResult,
  StoredRecordResult,
  SubscriptionResult,
  TimerResult,
  VerifyResult,
} from './host-call-results.js';
export {
  HOST_CALL_NAMES,
  type HostCallArgs,
  type HostCallName,
  type HostCallResult,
  isHostCallName,
} from './host-call-types.js';
export { HOST_CALLS } from './host-calls.js';
export {
  type EventDelivery,
  type EventDeliveryResult,
  PLUGIN_CALL_KINDS,
  type PluginCallKind,
  type PluginEvent,
  type RouteRequest,
  type RouteResponse,
} from './plugin-calls.js';
export { allowsPermission, type PermissionSet, permissionCovers } from './rbac.js';
