/*
 * @omega/sdk: what a plugin imports. Everything here is either a type or a few lines of plain
 * JavaScript that bundle into the plugin's isolate (no Node built-ins, no kernel code).
 */
export type {
  EventRecord,
  FetchResult,
  ListPageResult,
  RouteCaller,
  ServiceCaller,
  StoredRecordResult,
  SystemSampleResult,
  TimerTick,
  VerifyResult,
} from '@omega/protocol';
export {
  allowsPermission,
  isSmallOrderEd25519X,
  type PermissionSet,
  permissionCovers,
} from '@omega/protocol';
export type { EventHandler, HostContext, HostMethod } from './context/host-context.js';
export type { PluginContext } from './context/plugin-context.js';
export { errorCode, isCodedError } from './errors/error-code.js';
export { type FieldError, type HttpError, httpError, invalid } from './errors/http-error.js';
export { type ErrorCode, type PluginError, pluginError } from './errors/plugin-error.js';
export { type Actor, actorOf } from './http/actor-of.js';
export { bodyObject } from './http/body-object.js';
export { json } from './http/json-response.js';
export { type ProblemBody, problem } from './http/problem-response.js';
export {
  defineRouteSchemas,
  type JsonSchemaObject,
  type RouteSchema,
  type RouteSchemas,
  type SchemaInput,
  type SchemaRequest,
  type SchemaRouteHandler,
  type StandardJsonSchema,
} from './http/route-schemas.js';
export type { PluginRequest, PluginResponse, RouteHandler } from './http/route-types.js';
export {
  isLabelKey,
  isLabelValue,
  MAX_SELECTOR,
  parseSelector,
  type SelectorTerm,
  selectorMatches,
  unsatisfiable,
} from './labels/label-selector.js';
export { definePlugin } from './plugin/define-plugin.js';
export type {
  AnyRouteHandler,
  PluginDefinition,
  PluginHandlers,
  ServiceHandler,
} from './plugin/plugin-definition.js';
export type {
  CallsOf,
  CallsTo,
  EventsOf,
  PluginTypes,
  ProvidesOf,
  ServiceContract,
  UntypedPlugin,
} from './plugin/plugin-types.js';
export {
  checkWriteVersion,
  SETTINGS,
  type VersionedName,
  versionConflict,
} from './storage/check-write-version.js';
export { settingsWriteBody } from './storage/settings-write-body.js';
export { StoredSettings } from './storage/stored-settings.js';
export { isoTime } from './time/iso-time.js';
export { ISO_TIME_HINT, ISO_TIME_PATTERN, parseIsoTime } from './time/parse-iso-time.js';
