import type { HostCgroup } from './cgroup/create-host-cgroup.js';
import type { HostCgroupLayout } from './cgroup/host-cgroup-layout.js';
import type { PluginLimits } from './plugin-limits.js';
import type { PluginContainment } from './plugin-status.js';

/**
 * How one plugin's host is held to its limits: each cap by its cgroup file where the host
 * joined one, else by the fallback (CPU credit from /proc, RLIMIT_DATA), and what the OS does
 * not enforce here, with why (the layout's and the host cgroup's notes).
 */
export function describeContainment(
  layout: HostCgroupLayout,
  cg: HostCgroup | undefined,
  limits: PluginLimits,
  dataLimitBytes: number,
): PluginContainment {
  const byCgroup = cg?.enforced ?? {};
  const notEnforced = [...layout.notes, ...(cg?.notes ?? [])];
  const enforced: PluginContainment['enforced'] = { ...byCgroup };
  if (!byCgroup.cpu) {
    enforced.cpu = `cpu credit (burst ${limits.cpuBurstMs} ms, refill ${limits.cpuRefillPerSec} ms/s; the host is killed when it runs out)`;
    notEnforced.push(
      `cpu share ${limits.cpuMillicores}m is not a cgroup cap here: the CPU credit stops a host that exceeds it`,
    );
  }
  if (!byCgroup.memory) enforced.memory = `RLIMIT_DATA ${dataLimitBytes} bytes`;
  if (!byCgroup.pids) notEnforced.push('no pids cap (the isolate cannot start threads or processes)');
  return {
    cgroup: layout.mode,
    cpuMillicores: limits.cpuMillicores,
    enforced,
    notEnforced: [...new Set(notEnforced)],
    ...(cg && Object.keys(cg.paths).length > 0 ? { paths: { ...cg.paths } } : {}),
  };
}
