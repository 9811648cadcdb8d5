/** An rlimit the supervisor sets on the main process before it execs. */
export interface ShimRlimit {
  name: 'NPROC' | 'NOFILE' | 'CORE' | 'DATA' | 'FSIZE';
  soft: number | 'unlimited';
  hard: number | 'unlimited';
}

/** Everything the supervisor needs to start and watch one session (see omega-shim.c). */
export interface ShimConfig {
  /** The session directory: supervisor.json, exit.json and supervisor.log go here. */
  dir: string;
  file: string;
  argv: string[];
  /** `NAME=value` strings: the whole environment. */
  env: string[];
  cwd: string | null;
  uid: number | null;
  gid: number | null;
  noNewPrivs: boolean;
  /** cgroup.procs files the main process writes itself into before exec. */
  join: string[];
  /** The session's cgroup2 directory: the main process is created in it (clone3), its procs file then skipped. */
  into: string | null;
  kill: string | null;
  freezer: string | null;
  /** cgroup.procs of the supervisors' own cgroup (outside every session's). */
  self: string | null;
  stdoutDir: string;
  stderrDir: string;
  segmentBytes: number;
  keepSegments: number;
  rlimits: ShimRlimit[];
  nice: number | null;
  cpus: number[] | null;
  umask: number | null;
}

/** Encodes the config as the supervisor reads it on stdin: `key\0value\0` records. */
export function encodeShimConfig(c: ShimConfig): Buffer {
  const recs: [string, string][] = [
    ['dir', c.dir],
    ['file', c.file],
    ...c.argv.map((a): [string, string] => ['arg', a]),
    ...c.env.map((e): [string, string] => ['env', e]),
    ...c.join.map((j): [string, string] => ['join', j]),
    ['stdout', c.stdoutDir],
    ['stderr', c.stderrDir],
    ['segbytes', String(c.segmentBytes)],
    ['keep', String(c.keepSegments)],
    ...c.rlimits.map((r): [string, string] => ['rlimit', `${r.name}:${r.soft}:${r.hard}`]),
  ];
  if (c.cwd !== null) recs.push(['cwd', c.cwd]);
  if (c.uid !== null) recs.push(['uid', String(c.uid)]);
  if (c.gid !== null) recs.push(['gid', String(c.gid)]);
  if (c.noNewPrivs) recs.push(['nnp', '1']);
  if (c.into !== null) recs.push(['into', c.into]);
  if (c.kill !== null) recs.push(['kill', c.kill]);
  if (c.freezer !== null) recs.push(['freezer', c.freezer]);
  if (c.self !== null) recs.push(['self', c.self]);
  if (c.nice !== null) recs.push(['nice', String(c.nice)]);
  if (c.cpus !== null) recs.push(['cpus', c.cpus.join(',')]);
  if (c.umask !== null) recs.push(['umask', c.umask.toString(8)]);
  return Buffer.concat(
    recs.flatMap(([k, v]) => [Buffer.from(k), Buffer.from([0]), Buffer.from(v), Buffer.from([0])]),
  );
}
