import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** supervisor.json: who watches the session, written once it started (read back when adopting). */
export interface SupervisorRecord {
  shimPid: number | null;
  shimStartTicks: number | null;
  mainPid: number;
  mainStartTicks: number;
  startedAtMs: number;
}

export const SUPERVISOR_FILE = 'supervisor.json';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Reads supervisor.json; `null` when the session never got that far. */
export async function readSupervisorRecord(sessionDir: string): Promise<SupervisorRecord | null> {
  try {
    const raw = JSON.parse(await readFile(join(sessionDir, SUPERVISOR_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    const mainPid = num(raw.mainPid);
    if (mainPid === null) return null;
    return {
      shimPid: num(raw.shimPid),
      shimStartTicks: num(raw.shimStartTicks),
      mainPid,
      mainStartTicks: num(raw.mainStartTicks) ?? 0,
      startedAtMs: num(raw.startedAtMs) ?? 0,
    };
  } catch {
    return null;
  }
}

/** Writes supervisor.json atomically (the agent does so itself when it spawns without a supervisor). */
export async function writeSupervisorRecord(sessionDir: string, rec: SupervisorRecord): Promise<void> {
  const tmp = join(sessionDir, `.${SUPERVISOR_FILE}.tmp`);
  await writeFile(tmp, `${JSON.stringify({ version: 1, ...rec })}\n`, { mode: 0o600 });
  await rename(tmp, join(sessionDir, SUPERVISOR_FILE));
}
