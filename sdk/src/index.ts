export type {
  FetchResult,
  ListPageResult,
  PluginEvent,
  StoredRecordResult,
  VerifyResult,
} from '@omega/protocol';
export { allowsPermission, type PermissionSet, permissionCovers } from '@omega/protocol';
export type { EventHandler, HostContext, HostMethod } from './context/host-context.js';
export type { PluginContext } from './context/plugin-context.js';
export { errorCode, isCodedError } from './errors/error-code.js';
export { type ErrorCode, type PluginError, pluginError } from './errors/plugin-error.js';
export { json } from './http/json-response.js';
export { type ProblemBody, problem } from './http/problem-response.js';
export type { PluginRequest, PluginResponse, RouteHandler } from './http/route-types.js';
export { definePlugin } from './plugin/define-plugin.js';
export type { PluginDefinition, ServiceHandler } from './plugin/plugin-definition.js';
export type { CallsOf, EventsOf, PluginTypes, ProvidesOf, UntypedPlugin } from './plugin/plugin-types.js';
