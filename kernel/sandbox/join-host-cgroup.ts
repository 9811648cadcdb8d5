import { createHostCgroup, type HostCgroup } from './cgroup/create-host-cgroup.js';
import type { HostCgroupLayout } from './cgroup/host-cgroup-layout.js';
import type { PluginLimits } from './plugin-limits.js';
import type { HostProcess } from './spawn-host.js';

/** A host in its cgroup: the cgroup, and its removal (settles once the host has exited and the directories are gone). */
export interface JoinedHostCgroup {
  cg: HostCgroup;
  removal: Promise<void>;
}

/**
 * Puts `host` into a cgroup of its own named `name`, with the plugin's caps (CPU share, memory
 * = the host's data limit, pids), before any plugin code runs in it (a warm host has loaded
 * nothing yet). An OOM kill inside it is reported as the host's exit cause `memory`; the
 * directories are removed once the host has exited. Undefined with a `none` layout.
 */
export async function joinHostCgroup(
  layout: HostCgroupLayout,
  host: HostProcess,
  name: string,
  limits: PluginLimits,
  memoryBytes: number,
): Promise<JoinedHostCgroup | undefined> {
  if (layout.mode === 'none') return undefined;
  const cg = createHostCgroup(layout, name, {
    cpuMillicores: limits.cpuMillicores,
    memoryBytes,
    pidsMax: limits.pidsMax,
  });
  await cg.create();
  await cg.attach(host.pid);
  host.setExitProbe(async () =>
    (await cg.oomKills()) > 0
      ? {
          reason: `memory: the host reached its cgroup memory cap (${memoryBytes} bytes) and was OOM-killed`,
          cause: 'memory',
        }
      : undefined,
  );
  return { cg, removal: host.exited.then(() => cg.remove()) };
}
