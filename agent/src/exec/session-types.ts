/** Where a session is in its life. */
export type SessionPhase = 'starting' | 'running' | 'paused' | 'stopping' | 'ended';

/**
 * How an ended session ended. `failed`: non-zero exit code; `signaled`: the main process died
 * of a signal nobody here sent (its own SIGKILL, SIGSEGV…); `oom-killed`: the kernel's OOM
 * killer acted in the session's cgroup; `lost`: the exit could not be observed.
 */
export type SessionOutcome =
  | 'succeeded'
  | 'failed'
  | 'signaled'
  | 'oom-killed'
  | 'timed-out'
  | 'terminated'
  | 'lost';

/** The main process's end, exactly: an exit code, or a signal (and whether it dumped core). */
export interface SessionExit {
  code: number | null;
  signal: string | null;
  coreDumped: boolean;
}

/** A session's counters: cumulative CPU, throttling, memory current and peak (`null`: no such counter here). */
export interface UsageCounters {
  cpuUserSec: number;
  cpuSystemSec: number;
  cpuTotalSec: number;
  /** Time the CPU cap held the session back (`null`: no cpu controller here). */
  throttledSec: number | null;
  throttledPeriods: number | null;
  memoryCurrentBytes: number | null;
  memoryPeakBytes: number | null;
  pidsCurrent: number | null;
}

/** One usage sample of a session. */
export interface SessionUsage extends UsageCounters {
  at: string;
  /** `cgroup`: exact kernel counters; `proc`: sampled from the live processes (approximate). */
  source: 'cgroup' | 'proc';
}

/** A session as the executor sees it (plain data: safe to send to the kernel). */
export interface SessionStatus {
  id: string;
  phase: SessionPhase;
  outcome: SessionOutcome | null;
  /** Machine-readable cause of the last change, e.g. `started`, `paused`, `time-limit`, `oom-kill`, `exited`, `adopted`. */
  reason: string;
  message: string;
  /** When the session entered its phase. */
  since: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  pid: number | null;
  supervisorPid: number | null;
  uid: number;
  gid: number;
  user: string | null;
  cwd: string;
  command: string;
  exit: SessionExit | null;
  /** The last sample (the final one once ended). */
  usage: SessionUsage | null;
  /** What is enforced for this session and how (one line each). */
  enforcement: string[];
  /** How pause works for it: a cgroup freezer, or SIGSTOP where no cgroup is writable. */
  pauseMethod: 'cgroup v2 freezer' | 'cgroup v1 freezer' | 'SIGSTOP';
  /** When the time limit ends it (pushed back by time spent paused). */
  deadline: string | null;
}

/** A state change, published as it happens. */
export interface SessionStateEvent {
  id: string;
  phase: SessionPhase;
  previous: SessionPhase | null;
  outcome: SessionOutcome | null;
  reason: string;
  message: string;
  at: string;
  exit: SessionExit | null;
  usage: SessionUsage | null;
}

/** A live usage sample (every usageIntervalMs, 1 s by default). */
export interface SessionUsageEvent {
  id: string;
  usage: SessionUsage;
}

/** The events the executor publishes. */
export interface ExecutorEvents {
  state: SessionStateEvent;
  usage: SessionUsageEvent;
}
