import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionCgroupPaths } from '../cgroup/cgroup-layout.js';
import type { QuotaMount } from '../quota/work-dir-quota.js';
import type { SessionStatus } from '../session-types.js';

/** What is kept of the spec: everything but the environment's values (they may hold secrets). */
export interface StoredSpec {
  command: string;
  argCount: number;
  envNames: string[];
  timeLimitSec: number | null;
  killGraceMs: number;
  resources: Record<string, unknown>;
}

/**
 * record.json: the executor's state of one session, written atomically on every phase change
 * (mode 0600, in a root-only directory). With the cgroup and supervisor.json it is what a
 * restarted agent adopts the session from.
 */
export interface SessionRecord {
  version: 1;
  status: SessionStatus;
  spec: StoredSpec;
  cgroup: SessionCgroupPaths | null;
  supervisor: 'helper' | 'direct';
  supervisorStartTicks: number | null;
  mainStartTicks: number | null;
  uidAllocated: boolean;
  /** The working directory the executor created (and removes with the session). */
  ownWorkDir: string | null;
  quota: QuotaMount | null;
  deadlineMs: number | null;
  pausedAtMs: number | null;
  /**
   * The termination asked for, once begun: when, the grace its processes were given after
   * SIGTERM (an agent process that resumes it waits what is left; absent in records of agents
   * before it was kept: no grace left), and when that SIGTERM was sent (absent: an agent process
   * that stopped before sending it; the one that resumes it sends it, and only then).
   */
  terminate: {
    outcome: 'terminated' | 'timed-out' | 'oom-killed';
    message: string;
    atMs: number;
    graceMs?: number;
    signalledAtMs?: number;
  } | null;
}

export const RECORD_FILE = 'record.json';

/** Reads a session's record; `null` when absent or unreadable. */
export async function readSessionRecord(sessionDir: string): Promise<SessionRecord | null> {
  try {
    const rec = JSON.parse(await readFile(join(sessionDir, RECORD_FILE), 'utf8')) as SessionRecord;
    return rec.version === 1 && typeof rec.status?.id === 'string' ? rec : null;
  } catch {
    return null;
  }
}

let writes = 0;

/** Writes a session's record atomically (a temp file of its own per write, then rename: concurrent writes never share one). */
export async function writeSessionRecord(sessionDir: string, rec: SessionRecord): Promise<void> {
  const tmp = join(sessionDir, `.${RECORD_FILE}.${process.pid}.${++writes}.tmp`);
  await writeFile(tmp, JSON.stringify(rec), { mode: 0o600 });
  await rename(tmp, join(sessionDir, RECORD_FILE));
}
