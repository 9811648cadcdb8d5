import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { CgroupOptions } from '../cgroup/cgroup-layout.js';
import { execError } from '../errors/index.js';
import type { ExecLogger } from '../logger.js';
import type { QuotaMechanism } from '../quota/work-dir-quota.js';
import type { ResolvedOptions } from './executor-context.js';

/** How the agent configures its executor. */
export interface ExecutorOptions {
  /** The agent's data dir: session state and logs under `sessions/`, working directories under `work/`. */
  dataDir: string;
  logger?: ExecLogger;
  cgroup?: CgroupOptions;
  /** uids allocated one per session when a spec names no user, e.g. [200000, 265535]. */
  uidRange?: [number, number];
  /** Lowest uid a mapped account may have (default 1000). */
  minUid?: number;
  /** `auto` (default): the compiled omega-shim, else direct spawning; `helper` refuses to run without it. */
  supervisor?: 'auto' | 'helper' | 'direct';
  /** Where the supervisor is compiled to (default `<dataDir>/bin`). */
  helperDir?: string;
  quota?: QuotaMechanism | 'auto' | 'none';
  /** Period of usage samples, OOM and deadline checks (default 1000 ms). */
  usageIntervalMs?: number;
  /** SIGTSTP → freeze delay of pause() (default 100 ms): time for a handler to checkpoint. */
  pauseGraceMs?: number;
  /** Bytes of each output stream kept per session (default 64 MiB), in `logSegments` rotated files (default 8). */
  logMaxBytes?: number;
  logSegments?: number;
  /** Parent of the sessions' own working directories (default `<dataDir>/work`). */
  workRoot?: string;
  passwdPath?: string;
  /**
   * How long the supervisor may take to report that the command runs (default 30 000 ms): past
   * it the launcher is killed and the start fails with OMEGA_ERR_EXEC_SUPERVISOR (a process
   * blocked before exec, e.g. its binary or cwd on an unreachable NFS mount).
   */
  launchTimeoutMs?: number;
  /**
   * How long close() waits for the starts and terminations under way (default 30 000 ms); past
   * it close() logs their ids and goes on.
   */
  closeTimeoutMs?: number;
}

const schema = z.object({
  dataDir: z.string().min(1),
  uidRange: z
    .tuple([
      z.number().int().min(1),
      z
        .number()
        .int()
        .max(2 ** 32 - 2),
    ])
    .refine(([lo, hi]) => lo <= hi, 'uidRange must be [low, high] with low <= high')
    .optional(),
  minUid: z.number().int().min(1).default(1000),
  usageIntervalMs: z.number().int().min(50).max(60_000).default(1000),
  pauseGraceMs: z.number().int().min(0).max(60_000).default(100),
  logMaxBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .default(64 * 1024 * 1024),
  logSegments: z.number().int().min(2).max(256).default(8),
  launchTimeoutMs: z.number().int().min(1).max(3_600_000).default(30_000),
  closeTimeoutMs: z.number().int().min(0).max(3_600_000).default(30_000),
});

/** Validates the options and fills in defaults (paths made absolute). */
export function resolveOptions(
  o: ExecutorOptions,
): ResolvedOptions & { uidRange: [number, number] | undefined } {
  const r = schema.safeParse(o);
  if (!r.success) {
    const errors = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw execError('OMEGA_ERR_EXEC_INVALID', `Invalid executor options: ${errors.join('; ')}`, { errors });
  }
  const dataDir = resolve(o.dataDir);
  const workRoot = o.workRoot ? resolve(o.workRoot) : join(dataDir, 'work');
  if (o.workRoot && !isAbsolute(o.workRoot))
    throw execError('OMEGA_ERR_EXEC_INVALID', 'workRoot must be an absolute path.', { field: 'workRoot' });
  return {
    dataDir,
    sessionsDir: join(dataDir, 'sessions'),
    workRoot,
    quotaDir: join(dataDir, 'quota'),
    usageIntervalMs: r.data.usageIntervalMs,
    pauseGraceMs: r.data.pauseGraceMs,
    logMaxBytes: r.data.logMaxBytes,
    logSegments: r.data.logSegments,
    minUid: r.data.minUid,
    passwdPath: o.passwdPath ?? '/etc/passwd',
    launchTimeoutMs: r.data.launchTimeoutMs,
    closeTimeoutMs: r.data.closeTimeoutMs,
    uidRange: r.data.uidRange,
  };
}
