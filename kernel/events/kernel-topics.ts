import type { PluginState } from '../sandbox/plugin-status.js';

/**
 * The topics the kernel publishes (their payloads: ./kernel-event-schemas.ts, docs/events.md).
 * The publishing code names them from here, so the catalogue and the code cannot part ways.
 */
export const KERNEL_TOPICS = {
  started: 'kernel.started',
  stopping: 'kernel.stopping',
  breakGlassUsed: 'kernel.break-glass.used',
  /** `plugins.plugin.<state>` on every lifecycle change of a plugin. */
  pluginState: (state: PluginState) => `plugins.plugin.${state}` as const,
  permissionDenied: 'plugins.permission.denied',
  authnFailed: 'security.authn.failed',
  authzDenied: 'security.authz.denied',
} as const;
