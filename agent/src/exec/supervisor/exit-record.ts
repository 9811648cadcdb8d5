import { readFile, rename, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';

/** How the main process ended, as the supervisor (or, without one, the agent) recorded it in exit.json. */
export interface ExitRecord {
  mainPid: number;
  /** `unknown`: it ended while nobody could see its status (direct spawning and an agent restart). */
  status: 'exited' | 'signaled' | 'start-failed' | 'unknown';
  code: number | null;
  signal: number | null;
  core: boolean;
  stage: number | null;
  errno: number | null;
  startedAtMs: number;
  endedAtMs: number;
  /** Whether the session (cgroup or process tree) was empty when the record was written. */
  cleanup: 'empty' | 'not-empty';
  stdoutBytes: number | null;
  stderrBytes: number | null;
  stdoutLost: number;
  stderrLost: number;
}

export const EXIT_FILE = 'exit.json';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Reads exit.json; `null` while the session has not ended (or the file is half-written, which rename prevents). */
export async function readExitRecord(sessionDir: string): Promise<ExitRecord | null> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(join(sessionDir, EXIT_FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const status = raw.status;
  if (status !== 'exited' && status !== 'signaled' && status !== 'start-failed' && status !== 'unknown')
    return null;
  return {
    mainPid: num(raw.mainPid) ?? 0,
    status,
    code: status === 'exited' ? num(raw.code) : null,
    signal: status === 'signaled' ? num(raw.signal) : null,
    core: raw.core === true,
    stage: num(raw.stage),
    errno: num(raw.errno),
    startedAtMs: num(raw.startedAtMs) ?? 0,
    endedAtMs: num(raw.endedAtMs) ?? Date.now(),
    cleanup: raw.cleanup === 'not-empty' ? 'not-empty' : 'empty',
    stdoutBytes: num(raw.stdoutBytes),
    stderrBytes: num(raw.stderrBytes),
    stdoutLost: num(raw.stdoutLost) ?? 0,
    stderrLost: num(raw.stderrLost) ?? 0,
  };
}

/** Writes exit.json the way the supervisor does (temp file, then rename): used when there is no supervisor. */
export async function writeExitRecord(
  sessionDir: string,
  record: Partial<ExitRecord> & Pick<ExitRecord, 'status'>,
): Promise<void> {
  const tmp = join(sessionDir, `.${EXIT_FILE}.agent.${process.pid}.tmp`); // never the supervisor's temp name
  await writeFile(tmp, `${JSON.stringify({ version: 1, ...record })}\n`, { mode: 0o600 });
  await rename(tmp, join(sessionDir, EXIT_FILE));
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));
const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** `9` → `SIGKILL` (or `SIG<n>` for real-time signals). */
export const signalName = (n: number): string => SIGNAL_NAMES.get(n) ?? `SIG${n}`;
/** `7` → `E2BIG`. */
export const errnoName = (n: number): string => ERRNO_NAMES.get(n) ?? `errno ${n}`;
