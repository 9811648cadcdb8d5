import { z } from 'zod';

const cgroupParent = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'a cgroup directory name ([a-z0-9_.-])');
const uidRange = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const m = /^(\d+)\s*[-:]\s*(\d+)$/.exec(v.trim());
    return m ? [Number(m[1]), Number(m[2])] : v;
  },
  z
    .tuple([
      z.number().int().min(1000),
      z
        .number()
        .int()
        .max(2 ** 32 - 2),
    ])
    .refine(([lo, hi]) => lo <= hi, 'must be LOW-HIGH with LOW ≤ HIGH'),
);
const onOff = z.preprocess(
  (v) =>
    typeof v === 'string' && /^(on|off|true|false|yes|no|1|0)$/i.test(v) ? /^(on|true|yes|1)$/i.test(v) : v,
  z.boolean(),
);
const absPath = z.string().regex(/^\/[^\0\n\\%]*$/, 'an absolute path (no newline, backslash or %)');

/** The agent's session executor (docs/sessions.md): on by default. */
export const sessionsConfigSchema = z
  .object({
    enabled: onOff.default(true),
    /** Cgroup directory of this agent's sessions: distinct per agent when several share a machine. */
    cgroupParent: cgroupParent.default('omega'),
    cgroupMode: z.enum(['auto', 'v2', 'v1', 'hybrid', 'none']).default('auto'),
    /** uids allocated one per session (root only): distinct per agent when several share a machine. */
    uidRange: uidRange.optional(),
    supervisor: z.enum(['auto', 'helper', 'direct']).default('auto'),
    /** Parent of the sessions' own working directories (default `<dataDir>-work`; session uids traverse it). */
    workRoot: absPath.optional(),
  })
  .strict()
  .prefault({});

/** A Slurm submit host (docs/slurm.md): absent unless `--slurm rest|cli`. */
export const slurmConfigSchema = z
  .object({
    mode: z.enum(['rest', 'cli']),
    /** The one Slurm user jobs run as. */
    user: z.string().min(1).max(64),
    partition: z.string().max(64).optional(),
    restUrl: z.string().max(2048).optional(),
    jwtKeyFile: absPath.optional(),
    /** `SLURM_CONF` for the Slurm commands. */
    conf: absPath.optional(),
    binDir: absPath.optional(),
    logDir: absPath.optional(),
    /** Working directory of jobs that name none (shared with the compute nodes). */
    workDir: absPath.default('/tmp'),
    pollMs: z.number().int().min(200).max(60_000).default(2000),
    nodesEverySec: z.number().int().min(5).max(3600).default(30),
  })
  .strict()
  .optional();

/** The validated `sessions` config. */
export type SessionsConfig = z.output<typeof sessionsConfigSchema>;
/** The validated `slurm` config. */
export type SlurmConfig = NonNullable<z.output<typeof slurmConfigSchema>>;

/** Flags and environment variables of the session parts of the agent (merged into its options by the CLI). */
export const SESSION_FLAGS: Record<string, { env: string; path: string[]; description: string }> = {
  sessions: {
    env: 'OMEGA_AGENT_SESSIONS',
    path: ['sessions', 'enabled'],
    description: 'Run sessions on this machine: on (default) or off',
  },
  'sessions-cgroup-parent': {
    env: 'OMEGA_AGENT_SESSIONS_CGROUP_PARENT',
    path: ['sessions', 'cgroupParent'],
    description: 'Cgroup directory of the sessions (default omega; distinct per agent on one machine)',
  },
  'sessions-cgroup-mode': {
    env: 'OMEGA_AGENT_SESSIONS_CGROUP_MODE',
    path: ['sessions', 'cgroupMode'],
    description: 'auto|v2|v1|hybrid|none',
  },
  'sessions-work-root': {
    env: 'OMEGA_AGENT_SESSIONS_WORK_ROOT',
    path: ['sessions', 'workRoot'],
    description: "Parent of sessions' working directories (default <data-dir>-work)",
  },
  'sessions-uid-range': {
    env: 'OMEGA_AGENT_SESSIONS_UID_RANGE',
    path: ['sessions', 'uidRange'],
    description: 'uids for sessions, LOW-HIGH (default 200000-265535 as root)',
  },
  slurm: {
    env: 'OMEGA_AGENT_SLURM',
    path: ['slurm', 'mode'],
    description: 'Be a Slurm submit host: rest (slurmrestd) or cli (sbatch…)',
  },
  'slurm-user': {
    env: 'OMEGA_AGENT_SLURM_USER',
    path: ['slurm', 'user'],
    description: 'The Slurm user jobs run as',
  },
  'slurm-partition': {
    env: 'OMEGA_AGENT_SLURM_PARTITION',
    path: ['slurm', 'partition'],
    description: 'Default partition',
  },
  'slurm-rest-url': {
    env: 'OMEGA_AGENT_SLURM_REST_URL',
    path: ['slurm', 'restUrl'],
    description: 'slurmrestd URL (rest mode)',
  },
  'slurm-jwt-key-file': {
    env: 'OMEGA_AGENT_SLURM_JWT_KEY_FILE',
    path: ['slurm', 'jwtKeyFile'],
    description: "The cluster's jwt_key (rest mode)",
  },
  'slurm-conf': {
    env: 'OMEGA_AGENT_SLURM_CONF',
    path: ['slurm', 'conf'],
    description: 'slurm.conf for the Slurm commands (SLURM_CONF)',
  },
  'slurm-bin-dir': {
    env: 'OMEGA_AGENT_SLURM_BIN_DIR',
    path: ['slurm', 'binDir'],
    description: 'Directory of the Slurm commands',
  },
  'slurm-work-dir': {
    env: 'OMEGA_AGENT_SLURM_WORK_DIR',
    path: ['slurm', 'workDir'],
    description: 'Working directory of jobs that name none (default /tmp)',
  },
};
