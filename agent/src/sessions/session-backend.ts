import type { AgentSessionStatus, LogWindow, SessionEngine } from './agent-session-status.js';
import type { LogsArgs, SearchArgs, StartArgs } from './session-op-schemas.js';

/**
 * What runs sessions on this agent: the cgroup executor, or the Slurm driver of a submit host.
 * Every call answers the session as the kernel sees it ({@link AgentSessionStatus}); pause,
 * resume, start and terminate are idempotent (a session already in the asked state answers its
 * status), so a command sent again after a reconnect does no harm.
 */
export interface SessionBackend {
  readonly engine: SessionEngine;
  /** True when this backend runs session `id`. */
  has(id: string): boolean;
  start(args: StartArgs): Promise<AgentSessionStatus>;
  pause(id: string): Promise<AgentSessionStatus>;
  resume(id: string): Promise<AgentSessionStatus>;
  terminate(id: string, graceMs?: number, reason?: string): Promise<AgentSessionStatus>;
  status(id: string): Promise<AgentSessionStatus>;
  usage(id: string): Promise<AgentSessionStatus['usage']>;
  /** A window of output from `offset`, waiting up to `waitMs` for new bytes (or the end). */
  logs(args: LogsArgs, signal: AbortSignal): Promise<LogWindow>;
  search(args: SearchArgs): Promise<unknown>;
  /** Sessions not ended, and those ended in the last day (newest first, at most 2,000). */
  list(): Promise<AgentSessionStatus[]>;
  /** Forgets an ended session (its logs and record). */
  remove(id: string): Promise<void>;
  /** Subscribes to state changes (every phase change, as a status); answers the undo. */
  onState(cb: (s: AgentSessionStatus) => void): () => void;
  close(): Promise<void>;
}

/** Most sessions a `session.list` answers (a result frame holds 768 KiB). */
export const MAX_LISTED = 2_000;
/** Ended sessions stay in `session.list` this long (so a kernel that missed their end learns it). */
export const LIST_ENDED_MS = 86_400_000;

/** Sleeps `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
