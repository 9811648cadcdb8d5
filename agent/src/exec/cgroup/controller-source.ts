import type { CgroupLayout, V2Controller } from './cgroup-layout.js';

/** Which hierarchy gives sessions a controller: the cgroup2 one when it has it, else its v1 mount, else none. */
export function controllerSource(layout: CgroupLayout, c: V2Controller): 'v2' | 'v1' | null {
  if (layout.unified?.controllers.includes(c)) return 'v2';
  if (layout.v1[c]) return 'v1';
  return null;
}

/** How the executor freezes and kills a session on this layout (`v1` kill: freeze, SIGKILL each pid, thaw). */
export function lifecycleSource(layout: CgroupLayout): {
  freeze: 'v2' | 'v1' | null;
  kill: 'v2' | 'v1' | null;
} {
  const freeze = layout.unified ? 'v2' : layout.v1.freezer ? 'v1' : null;
  const anyV1 = Object.keys(layout.v1).length > 0;
  return { freeze, kill: layout.unified?.hasKill ? 'v2' : anyV1 || layout.unified ? 'v1' : null };
}

/** Where CPU time is read: the cgroup2 core cpu.stat exists even without the cpu controller. */
export function cpuUsageSource(layout: CgroupLayout): 'v2' | 'v1' | null {
  if (layout.unified) return 'v2';
  return layout.v1.cpuacct ? 'v1' : null;
}
