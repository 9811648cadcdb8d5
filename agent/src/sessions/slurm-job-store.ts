import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentSessionStatus } from './agent-session-status.js';

/** What the agent keeps about a session it submitted to Slurm. */
export interface SlurmSessionEntry {
  jobId: string;
  submittedAt: string;
  /** Set once Omega asked to cancel it (a CANCELLED job is then `terminated`, not `cancelled`). */
  cancelRequested?: boolean;
  /** The phase last reported, and since when (this agent's clock). */
  phase?: AgentSessionStatus['phase'];
  since?: string;
  /** The last status seen (Slurm forgets ended jobs after MinJobAge). */
  last?: AgentSessionStatus;
}

/** Ended entries are forgotten after this long. */
const KEEP_ENDED_MS = 7 * 86_400_000;

/**
 * Session id ↔ Slurm job id, with the last status of each, in `<dataDir>/slurm-sessions.json`
 * (written atomically on every change), so a restarted agent still answers for its jobs.
 */
export class SlurmJobStore {
  private readonly entries = new Map<string, SlurmSessionEntry>();
  private readonly byJob = new Map<string, string>();

  constructor(private readonly file: string) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return;
    }
    const sessions = (data as { sessions?: Record<string, SlurmSessionEntry> })?.sessions ?? {};
    const cutoff = Date.now() - KEEP_ENDED_MS;
    for (const [id, e] of Object.entries(sessions)) {
      if (typeof e?.jobId !== 'string') continue;
      if (e.phase === 'ended' && Date.parse(e.since ?? e.submittedAt) < cutoff) continue;
      this.entries.set(id, e);
      this.byJob.set(e.jobId, id);
    }
  }

  get(id: string): SlurmSessionEntry | undefined {
    return this.entries.get(id);
  }

  /** The session a Slurm job runs. */
  sessionOf(jobId: string): string | undefined {
    return this.byJob.get(jobId);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  put(id: string, e: SlurmSessionEntry): void {
    this.entries.set(id, e);
    this.byJob.set(e.jobId, id);
    this.save();
  }

  delete(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.byJob.delete(e.jobId);
    this.save();
  }

  /** Writes the file (temp + rename: a crash leaves the old or the new one, never half). */
  save(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, sessions: Object.fromEntries(this.entries) }), {
      mode: 0o600,
    });
    renameSync(tmp, this.file);
  }
}
