import { createPermissionGate } from '../../kernel/permissions/index.js';
import type { HostServices, PluginInstance, PluginLimits, Sandbox } from '../../kernel/sandbox/index.js';
import { quietLogger } from './helpers.js';

/** Options of {@link startInline}. */
export interface InlinePlugin {
  name: string;
  /** The bundle: an ES module exporting `plugin`. */
  code: string;
  /** Declared and granted (through the real permission gate). */
  permissions: string[];
  services?: Partial<HostServices>;
  limits?: Partial<PluginLimits>;
}

/** Starts a plugin whose bundle is written in the test itself (red-team reproductions). */
export function startInline(sb: Sandbox, p: InlinePlugin): Promise<PluginInstance> {
  const gate = createPermissionGate({ plugin: p.name, declared: p.permissions, granted: p.permissions });
  return sb.start({
    name: p.name,
    version: '1.0.0',
    bundleCode: p.code,
    ...(p.limits ? { limits: p.limits } : {}),
    authorize: (d) => gate.check(d),
    services: { log: quietLogger(), ...p.services },
  });
}
