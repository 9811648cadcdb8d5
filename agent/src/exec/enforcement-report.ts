import type { CgroupLayout, CgroupMode } from './cgroup/cgroup-layout.js';
import { controllerSource, cpuUsageSource, lifecycleSource } from './cgroup/controller-source.js';

/** How far a feature is really enforced on this node. */
export type EnforcementLevel = 'enforced' | 'approximate' | 'not-enforced';

/** One feature's enforcement: the level, the mechanism, and the line shown to operators. */
export interface Enforcement {
  level: EnforcementLevel;
  mechanism: string;
  text: string;
}

/** Every feature the executor reports on. */
export const FEATURES = {
  cpuWeight: 'cpu weight',
  cpuCap: 'cpu cap',
  cpuset: 'pinned cores',
  memory: 'memory limit',
  pids: 'pids limit',
  pause: 'pause',
  treeKill: 'tree kill',
  oomDetection: 'oom detection',
  usage: 'usage',
  uidIsolation: 'uid isolation',
  diskQuota: 'disk quota',
  logCap: 'log cap',
  adoption: 'adoption',
} as const;

/** A feature name. */
export type Feature = keyof typeof FEATURES;

/** What this node really enforces, feature by feature, with the reason where it does not. */
export interface EnforcementReport {
  mode: CgroupMode;
  features: { [F in Feature]: Enforcement };
  /** One line per feature, e.g. `memory limit: enforced (cgroup v1 memory.limit_in_bytes)`. */
  lines: string[];
  notes: string[];
  /** Cores and memory nodes sessions may be pinned to. */
  cpus: number[];
  mems: number[];
}

/** What the report is built from. */
export interface ReportInputs {
  layout: CgroupLayout;
  root: boolean;
  supervisor: 'helper' | 'direct';
  quota: 'loop' | 'tmpfs' | null;
  cpus: number[];
  mems: number[];
}

const on = (mechanism: string): Omit<Enforcement, 'text'> => ({ level: 'enforced', mechanism });
const approx = (mechanism: string): Omit<Enforcement, 'text'> => ({ level: 'approximate', mechanism });
const off = (why: string): Omit<Enforcement, 'text'> => ({ level: 'not-enforced', mechanism: why });

function cgroupFeatures(layout: CgroupLayout, root: boolean, noCgroup: string) {
  const src = (c: 'cpu' | 'cpuset' | 'memory' | 'pids') => controllerSource(layout, c);
  const cpu = src('cpu');
  const life = lifecycleSource(layout);
  const usage = cpuUsageSource(layout);
  const mem = src('memory');
  return {
    cpuWeight: cpu
      ? on(cpu === 'v2' ? 'cgroup v2 cpu.weight' : 'cgroup v1 cpu.shares')
      : approx('nice value derived from the weight'),
    cpuCap: cpu ? on(cpu === 'v2' ? 'cgroup v2 cpu.max' : 'cgroup v1 cpu.cfs_quota_us') : off(noCgroup),
    cpuset: src('cpuset')
      ? on(`cgroup ${src('cpuset')} cpuset.cpus + cpuset.mems`)
      : approx('sched_setaffinity only: the session can widen its own affinity'),
    memory: mem
      ? on(mem === 'v2' ? 'cgroup v2 memory.max, memory.oom.group' : 'cgroup v1 memory.limit_in_bytes')
      : off(noCgroup),
    pids: src('pids')
      ? on(`cgroup ${src('pids')} pids.max`)
      : root
        ? approx('RLIMIT_NPROC of the session uid (per account when several sessions share a mapped user)')
        : off(noCgroup),
    pause: life.freeze
      ? on(
          life.freeze === 'v2'
            ? 'SIGTSTP, then cgroup v2 cgroup.freeze until frozen'
            : 'SIGTSTP, then cgroup v1 freezer until FROZEN',
        )
      : approx(
          'SIGTSTP, then SIGSTOP to every process of the session: not a freeze (a process can be continued by its own uid)',
        ),
    treeKill: life.kill
      ? on(life.kill === 'v2' ? 'cgroup v2 cgroup.kill' : 'freeze, SIGKILL every pid of the cgroup, thaw')
      : on('every descendant of the supervisor (a child subreaper) and every process of the session uid'),
    oomDetection: mem
      ? on(mem === 'v2' ? 'cgroup v2 memory.events oom_kill' : 'cgroup v1 memory.oom_control oom_kill')
      : off(noCgroup),
    usage: usage
      ? on(
          `${usage === 'v2' ? 'cgroup v2 cpu.stat' : 'cgroup v1 cpuacct'}${mem ? `, cgroup ${mem} memory` : ''}`,
        )
      : approx('sum over the live processes in /proc (time of exited processes is not counted)'),
  };
}

/** Builds the node's enforcement report. */
export function buildEnforcementReport(inputs: ReportInputs): EnforcementReport {
  const { layout, root } = inputs;
  const noCgroup = layout.mode === 'none' ? 'no writable cgroup' : 'controller not available to the agent';
  const partial = {
    ...cgroupFeatures(layout, root, noCgroup),
    uidIsolation: root
      ? on('a per-session or mapped uid, no supplementary groups, no_new_privs')
      : off('the agent is not root: sessions run as the agent’s own user'),
    diskQuota:
      inputs.quota === 'loop'
        ? on('an ext4 image on a loop device mounted on the working directory')
        : inputs.quota === 'tmpfs'
          ? on('a size-limited tmpfs on the working directory (its pages count as session memory)')
          : off(root ? 'no loop device or mkfs.ext4' : 'the agent is not root'),
    logCap:
      inputs.supervisor === 'helper'
        ? on('rotated segments written by the omega-shim supervisor')
        : off('no supervisor helper (no C compiler): the session writes its log files directly'),
    adoption:
      inputs.supervisor === 'helper'
        ? on('omega-shim holds the pipes and the exit status while the agent is down')
        : approx('sessions survive an agent restart, but an exit while the agent is down loses its status'),
  };
  const features = {} as EnforcementReport['features'];
  const lines: string[] = [];
  for (const key of Object.keys(FEATURES) as Feature[]) {
    const e = partial[key];
    const text =
      e.level === 'not-enforced'
        ? `${FEATURES[key]}: not enforced: ${e.mechanism}`
        : `${FEATURES[key]}: ${e.level} (${e.mechanism})`;
    features[key] = { ...e, text };
    lines.push(text);
  }
  return {
    mode: layout.mode,
    features,
    lines,
    notes: [...layout.notes],
    cpus: inputs.cpus,
    mems: inputs.mems,
  };
}
