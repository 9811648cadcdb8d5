import { isTerminalState } from './job-state-table.js';
import type { JobChange, SlurmJobStatus, WatchOptions } from './slurm-driver.js';

/** One poll: the user's jobs as Slurm lists them now. */
export type ListJobs = () => Promise<SlurmJobStatus[]>;
/** What to report for a job that left Slurm's list without a final state. */
export type Vanished = (last: SlurmJobStatus) => SlurmJobStatus;

/**
 * Polls `list` every `intervalMs` (one poll at a time, never overlapping) and reports each
 * job whose state, Slurm state, reason or exit changed, the first poll reporting every job
 * (a watch is the list, then its changes). A job that drops out of the list before a final
 * state is reported through `vanished`. A failing poll or listener goes to `onError` and
 * polling continues. Returns the undo that stops it.
 */
export function watchJobs(
  list: ListJobs,
  vanished: Vanished,
  onChange: (change: JobChange) => void,
  options: WatchOptions = {},
): () => void {
  const interval = Math.max(200, options.intervalMs ?? 2000);
  const onError = options.onError ?? (() => {});
  let seen = new Map<string, SlurmJobStatus>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const emit = (change: JobChange) => {
    try {
      onChange(change);
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
    }
  };

  const poll = async () => {
    try {
      const now = new Map((await list()).map((s) => [s.jobId, s] as const));
      if (stopped) return;
      for (const [id, status] of now) {
        const before = seen.get(id) ?? null;
        if (before === null || changed(before, status)) emit({ jobId: id, status, previous: before });
      }
      for (const [id, before] of seen) {
        if (now.has(id) || isTerminalState(before.state)) continue;
        const lost = vanished(before);
        now.set(id, lost);
        emit({ jobId: id, status: lost, previous: before });
      }
      seen = now;
    } catch (e) {
      if (!stopped) onError(e instanceof Error ? e : new Error(String(e)));
    }
    if (!stopped) timer = setTimeout(poll, interval);
  };
  void poll();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

function changed(a: SlurmJobStatus, b: SlurmJobStatus): boolean {
  return (
    a.state !== b.state ||
    a.slurmState !== b.slurmState ||
    a.reason !== b.reason ||
    a.exitCode !== b.exitCode ||
    a.signal !== b.signal
  );
}
