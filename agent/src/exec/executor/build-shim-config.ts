import { join } from 'node:path';
import { SUPERVISORS_DIR } from '../cgroup/prepare-cgroup-base.js';
import type { SessionCgroup } from '../cgroup/session-cgroup.js';
import type { SessionIdentity } from '../identity/resolve-identity.js';
import { type SessionSpec, sessionArgv } from '../spec/session-spec.js';
import type { ShimConfig, ShimRlimit } from '../supervisor/shim-config.js';
import type { ExecutorContext } from './executor-context.js';

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** A cgroup v2 weight as a nice value, never above normal priority (weight 100 → 0, 10 → 10). */
export const weightToNice = (w: number): number =>
  Math.min(19, Math.max(0, Math.round(-Math.log(w / 100) / Math.log(1.25))));

/** The whole environment: a few defaults, then the spec's (nothing from the agent's own). */
export function sessionEnv(spec: SessionSpec, who: SessionIdentity, cwd: string): Record<string, string> {
  const named: Record<string, string> = who.name ? { USER: who.name, LOGNAME: who.name } : {};
  return { PATH: DEFAULT_PATH, HOME: who.home ?? cwd, OMEGA_SESSION_ID: spec.id, ...named, ...spec.env };
}

/** What the supervisor gets for one session; without cgroups, weight, cores and pids fall back to nice, affinity and RLIMIT_NPROC. */
export function buildShimConfig(
  ctx: ExecutorContext,
  spec: SessionSpec,
  who: SessionIdentity,
  cwd: string,
  dir: string,
  cg: SessionCgroup | null,
): ShimConfig {
  const { file, argv } = sessionArgv(spec);
  const res = spec.resources;
  const noCgroup = cg === null;
  const rlimits: ShimRlimit[] = [];
  if (noCgroup && ctx.root && res.pidsMax !== undefined)
    rlimits.push({ name: 'NPROC', soft: res.pidsMax, hard: res.pidsMax });
  const maxBytes = spec.logMaxBytes ?? ctx.opts.logMaxBytes;
  const keep = ctx.opts.logSegments;
  return {
    dir,
    file,
    argv,
    env: Object.entries(sessionEnv(spec, who, cwd)).map(([k, v]) => `${k}=${v}`),
    cwd,
    uid: ctx.root ? who.uid : null,
    gid: ctx.root ? who.gid : null,
    noNewPrivs: true,
    join: cg?.joinFiles() ?? [],
    into: cg?.paths.unified ?? null,
    kill: cg?.killFile() ?? null,
    freezer: cg?.freezerFile() ?? null,
    self: ctx.layout.unified ? join(ctx.layout.unified.base, SUPERVISORS_DIR, 'cgroup.procs') : null,
    stdoutDir: join(dir, 'stdout'),
    stderrDir: join(dir, 'stderr'),
    segmentBytes: Math.max(4096, Math.ceil(maxBytes / keep)),
    keepSegments: keep,
    rlimits,
    nice: noCgroup && res.cpuWeight !== undefined ? weightToNice(res.cpuWeight) : null,
    cpus: noCgroup && res.cpus ? res.cpus : null,
    umask: 0o077,
  };
}
