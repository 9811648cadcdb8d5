import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { PluginKillCause } from './plugin-status.js';
import { isProcessStopped } from './process-stopped.js';
import { type HostEntry, resolveHostEntry } from './resolve-host-entry.js';
import { ENTRY_KIND, watchSpins } from './spin-watch.js';
import { createFrameReader } from './wire/create-frame-reader.js';
import { createFrameWriter, type FrameWriter } from './wire/create-frame-writer.js';
import { type Frame, FrameType } from './wire/frame-type.js';

const PRLIMIT = '/usr/bin/prlimit';
/**
 * V8 flags of every plugin-host process. A host runs small frames through one isolate; V8's
 * default young generation grows to 16 MiB semi-spaces under a burst of calls and stays there:
 * capped at 1 MiB, an idle host after a load run holds ~5 MB less (bench/http.bench.ts).
 * `--no-concurrent-recompilation`: TurboFan compiles a hot function on the thread that runs it
 * instead of on V8's worker threads, whose compiler zones (malloc) and stacks otherwise stay
 * resident after a burst: ~1 MB less per idle host (bench/host-memory.bench.ts). Functions are
 * still optimised (unlike `--no-opt`); a compile now runs inside the entry that triggered it,
 * once per hot function (milliseconds, far below any spin or call deadline).
 * `--no-short-builtin-calls`: V8 otherwise copies its embedded builtins next to the code range
 * (a second, private mapping of the node binary's builtins, ~1 MB resident once the host ran
 * code) so JIT code can reach them with short calls; without it they run from the binary's own
 * text, which is resident anyway. The flag exists in every V8 of Node 20, 22 and 24.
 * `--expose-gc`: the host's idle settle runs V8's gc of its own heap (host/create-idle-settle.ts);
 * the host takes it from its global at start and turns the flag off before any isolate exists
 * (host/take-host-gc.ts), so no plugin context gets one — 144 KB less per host than the throwaway
 * `vm` context it came from before, which stayed alive with the function.
 * Not here, measured (OMEGA_BENCH_FLAGS_ONLY=1 bench/host-memory.bench.ts): `--v8-pool-size=1`
 * (host CPU per route call 17.0 → 15.0 µs in 7 quiet rounds, three threads fewer) was shipped
 * and taken out again the same day: the first http bench after it saw a trivial plugin's host
 * killed by the spin watch (a call ran 1049 ms) in its isolated (SCHED_FIFO) rows, which no build
 * without it had shown, and there was no time to find out why. `--single-threaded-gc`: a 24 MB
 * heap's call p99 64–67 → 114–118 ms on a quiet machine.
 */
export const HOST_NODE_FLAGS: readonly string[] = Object.freeze([
  '--max-semi-space-size=1',
  '--no-concurrent-recompilation',
  '--no-short-builtin-calls',
  '--expose-gc',
]);
/** glibc: at most two malloc arenas (one per thread by default), so freed memory is reused, not spread. */
export const HOST_MALLOC_ENV: Readonly<Record<string, string>> = Object.freeze({ MALLOC_ARENA_MAX: '2' });
const STDERR_TAIL = 4096;

/** How a host process ended. */
export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why, in a few words: the kernel's kill reason, the host's FAULT reason, or the exit itself. */
  reason: string;
  /** What ended it (the kernel's kill, the host's own fault report, else `crash`). */
  cause: PluginKillCause;
}

const CAUSES = new Set<string>(['spin', 'cpu', 'memory', 'deadline', 'protocol', 'crash', 'operator']);
const asCause = (v: unknown): PluginKillCause =>
  typeof v === 'string' && CAUSES.has(v) ? (v as PluginKillCause) : 'crash';

/** Options of {@link spawnHost}. */
export interface SpawnHostOptions {
  /** RLIMIT_DATA for the process (bytes); 0 = none. Applied with prlimit where it exists. */
  dataLimitBytes: number;
  /** Largest frame accepted from the host. */
  maxFrameBytes: number;
  /** What to run (default {@link resolveHostEntry}). */
  entry?: HostEntry;
}

/** A running plugin-host process and its channel. */
export interface HostProcess {
  readonly pid: number;
  readonly dataLimitBytes: number;
  /** Resolves once the host said READY; rejects if it ends first. */
  readonly ready: Promise<void>;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<HostExit>;
  readonly alive: boolean;
  /** Where frames after READY go (replaceable; frames before a handler is set are dropped). */
  setHandler(onFrame: (frame: Frame) => void): void;
  send: FrameWriter['send'];
  /**
   * Watches the host's entries into its isolate from here (CALL and REPLY frames sent, the
   * finished count the host reports): one that stays inside `ms` of observed time is killed
   * with cause `spin` (0 = not watched, the default until the session loads a plugin).
   */
  setSpinLimit(ms: number): void;
  /** SIGKILLs the process; the first reason (and cause) given is the one reported. */
  kill(reason: string, cause?: PluginKillCause): void;
  /** The last lines the process wrote to stderr (for crash reasons). */
  stderrTail(): string;
  /**
   * Sets what is asked, once the process ended by itself (no kill, no fault report), whether
   * something outside ended it (e.g. its cgroup's OOM kill); its answer replaces `crash`.
   */
  setExitProbe(probe: () => Promise<{ reason: string; cause: PluginKillCause } | undefined>): void;
}

const lastLine = (s: string): string => {
  const lines = s.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim().slice(0, 200);
};

/**
 * Spawns a plugin-host process: `node --no-node-snapshot <entry>` under `prlimit --data`
 * (with {@link HOST_NODE_FLAGS} and {@link HOST_MALLOC_ENV}, for a small idle footprint)
 * (RLIMIT_DATA: large allocations then fail cleanly; RLIMIT_AS would break Node and wasm),
 * with no environment of the kernel's, stdin/stdout closed, stderr kept for crash reasons,
 * and fd 3 a socketpair carrying frames. Errors on the child and on every stream are
 * handled: a dying host must never take the kernel down.
 */
export function spawnHost(opts: SpawnHostOptions): HostProcess {
  const entry = opts.entry ?? resolveHostEntry();
  const nodeArgs = [...HOST_NODE_FLAGS, ...entry.execArgv, entry.file];
  const capped = opts.dataLimitBytes > 0 && existsSync(PRLIMIT);
  const cmd = capped ? PRLIMIT : process.execPath;
  const argv = capped ? [`--data=${opts.dataLimitBytes}`, '--', process.execPath, ...nodeArgs] : nodeArgs;
  const env: Record<string, string> = { NODE_OPTIONS: '', ...HOST_MALLOC_ENV };
  if (process.env.PATH) env.PATH = process.env.PATH;
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;

  const child: ChildProcess = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env });
  const channel = child.stdio[3] as Socket;
  const writer = createFrameWriter(channel);
  let handler: ((f: Frame) => void) | undefined;
  let stderr = '';
  let killReason: string | undefined;
  let killCause: PluginKillCause = 'crash';
  let faultReason: string | undefined;
  let faultCause: PluginKillCause = 'crash';
  let alive = true;
  let exitProbe: (() => Promise<{ reason: string; cause: PluginKillCause } | undefined>) | undefined;
  let markReady: () => void = () => {};
  let failReady: (e: Error) => void = () => {};
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    failReady = rej;
  });
  ready.catch(() => {});

  // The spin watch kills through `kill` below (called only later, from its shared timer).
  const spin = watchSpins(
    (reason) => kill(reason, 'spin'),
    () => isProcessStopped(child.pid),
  );
  const kill = (reason: string, cause: PluginKillCause = 'crash'): void => {
    spin.close();
    if (killReason === undefined) {
      killReason = reason;
      killCause = cause;
    }
    if (alive) child.kill('SIGKILL');
  };

  const onFrame = (f: Frame): void => {
    spin.progress(f.aux);
    if (f.type === FrameType.PROGRESS) return;
    if (f.type === FrameType.READY) {
      markReady();
      return;
    }
    if (f.type === FrameType.FAULT) {
      try {
        const { reason: r, cause: c } = JSON.parse(f.body.toString('utf8')) as Record<string, unknown>;
        if (typeof r === 'string' && faultReason === undefined) {
          faultReason = r.slice(0, 300);
          faultCause = asCause(c);
        }
      } catch {
        faultReason ??= 'fault';
      }
    }
    handler?.(f);
  };

  channel.on(
    'data',
    createFrameReader({
      maxFrameBytes: opts.maxFrameBytes,
      onFrame,
      onViolation: (r) => kill(`protocol violation: ${r}`),
    }),
  );
  channel.on('error', () => {});
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  child.stderr?.on('error', () => {});

  const exited = new Promise<HostExit>((resolve) => {
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, fallback?: string): void => {
      if (done) return;
      done = true;
      alive = false;
      spin.close();
      const tail = lastLine(stderr);
      const why =
        killReason ??
        faultReason ??
        fallback ??
        `${signal ? `killed by ${signal}` : `exited with code ${code}`}${tail ? `: ${tail}` : ''}`;
      const cause = killReason !== undefined ? killCause : faultReason !== undefined ? faultCause : 'crash';
      failReady(new Error(why));
      channel.destroy();
      if (cause !== 'crash' || !exitProbe) {
        resolve({ code, signal, reason: why, cause });
        return;
      }
      void exitProbe().then(
        (found) => resolve({ code, signal, reason: found?.reason ?? why, cause: found?.cause ?? cause }),
        () => resolve({ code, signal, reason: why, cause }),
      );
    };
    child.on('error', (err) => finish(null, null, `spawn failed: ${err.message}`));
    // 'close' (not 'exit'): the channel is drained by then, so a FAULT frame is not lost.
    child.on('close', (code, signal) => finish(code, signal));
  });

  return {
    pid: child.pid ?? -1,
    dataLimitBytes: opts.dataLimitBytes,
    ready,
    exited,
    get alive() {
      return alive;
    },
    setHandler(h) {
      handler = h;
    },
    send: (type, id, aux, meta, body) => {
      if (!alive) return;
      writer.send(type, id, aux, meta, body);
      if (type === FrameType.CALL) spin.sent(ENTRY_KIND.call);
      else if (type === FrameType.REPLY) spin.sent(ENTRY_KIND.continuation);
    },
    setSpinLimit: (ms) => spin.setLimit(ms),
    kill,
    stderrTail: () => stderr,
    setExitProbe(probe) {
      exitProbe = probe;
    },
  };
}
