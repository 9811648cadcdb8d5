import { slurmError } from './slurm-error.js';
import { absolutePath, PARTITION_NAME } from './validate-job-spec.js';

/** A pino-compatible logger; every method is optional. Nothing secret is ever passed to it. */
export interface SlurmLogger {
  debug?(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
  warn?(obj: object, msg: string): void;
}

/** How the agent reaches its Slurm cluster. */
export interface SlurmDriverOptions {
  /** `rest`: slurmrestd (JWT); `cli`: sbatch/squeue/sinfo/scontrol/scancel on this submit host. */
  mode: 'rest' | 'cli';
  /** The Slurm user every job runs as, and the only user whose jobs this driver touches. */
  user: string;
  /** Partition for specs that name none (else Slurm's default partition). */
  partition?: string;
  /** rest: slurmrestd base URL, e.g. `http://slurm-head:6820`. */
  restUrl?: string;
  /** rest: the cluster's jwt_key file; the driver mints short-lived HS256 tokens for `user`. */
  jwtKeyFile?: string;
  /** rest: a token (or a function giving the current one) instead of the key file. */
  token?: string | (() => string | Promise<string>);
  /** rest: lifetime of a minted token (default 300 s). */
  tokenLifetimeSeconds?: number;
  /** Environment for the Slurm commands (both modes use `scontrol` for suspend/resume), e.g. `SLURM_CONF`. */
  slurmEnv?: Record<string, string>;
  /** Directory of the Slurm commands; PATH lookup when absent. */
  binDir?: string;
  /** Directory for the jobs' output files (shared with the compute nodes); default: each job's cwd. */
  logDir?: string;
  /** Deadline of one request or command in milliseconds (default 30 000). */
  timeoutMs?: number;
  logger?: SlurmLogger;
}

/** Options after checking, with defaults. */
export interface ResolvedDriverOptions extends SlurmDriverOptions {
  partition?: string;
  timeoutMs: number;
  logDir?: string;
  commandEnv: Record<string, string>;
}

const USER = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

/** Checks the options once, at creation; a bad one is OMEGA_ERR_SLURM_CONFIG naming the field. */
export function resolveDriverOptions(o: SlurmDriverOptions): ResolvedDriverOptions {
  const bad = (field: string, why: string) =>
    slurmError('OMEGA_ERR_SLURM_CONFIG', `Slurm driver option "${field}" ${why}.`, { field });
  if (o.mode !== 'rest' && o.mode !== 'cli') throw bad('mode', 'must be "rest" or "cli"');
  if (typeof o.user !== 'string' || !USER.test(o.user)) throw bad('user', 'must be a user name');
  if (o.partition !== undefined && !PARTITION_NAME.test(o.partition))
    throw bad('partition', 'is not a partition name');
  if (o.mode === 'rest') {
    let url: URL;
    try {
      url = new URL(o.restUrl ?? '');
    } catch {
      throw bad('restUrl', 'must be the slurmrestd URL (http://host:port) in rest mode');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('restUrl', 'must be http or https');
    if (url.username || url.password || url.search || url.hash)
      throw bad('restUrl', 'must not carry credentials, query or fragment');
    if ((o.jwtKeyFile === undefined) === (o.token === undefined))
      throw bad('jwtKeyFile', 'give exactly one of jwtKeyFile and token in rest mode');
  }
  const timeoutMs = o.timeoutMs ?? 30_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000)
    throw bad('timeoutMs', 'must be 100–600000');
  const lifetime = o.tokenLifetimeSeconds ?? 300;
  if (!Number.isInteger(lifetime) || lifetime < 10 || lifetime > 86_400)
    throw bad('tokenLifetimeSeconds', 'must be 10–86400');
  let logDir: string | undefined;
  if (o.logDir !== undefined) {
    try {
      logDir = absolutePath(o.logDir, 'logDir');
    } catch {
      throw bad('logDir', 'must be an absolute path without newline, backslash or %');
    }
  }
  for (const [k, v] of Object.entries(o.slurmEnv ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || typeof v !== 'string' || v.includes('\0'))
      throw bad('slurmEnv', `has an invalid entry "${k}"`);
  }
  return {
    ...o,
    timeoutMs,
    tokenLifetimeSeconds: lifetime,
    ...(logDir === undefined ? {} : { logDir }),
    commandEnv: {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C',
      ...(o.slurmEnv ?? {}),
    },
  };
}
