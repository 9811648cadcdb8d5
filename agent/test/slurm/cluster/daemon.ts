import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { isAlive } from './marked-processes.js';

/** One daemon of a test cluster, started in its own session with its output in a file. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Set when the daemon exited (code or signal). */
  readonly exited: string | null;
  /** The last lines of its output and of its own log file, for error messages. */
  tail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `command args` detached (its own session, like `setsid … &`), with exactly `env`,
 * stdout and stderr appended to `logFile`. `extraLog` is a daemon's own log file to show in
 * `tail()`.
 */
export function startDaemon(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  extraLog?: string,
): Daemon {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let exited: string | null = null;
  const gone = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `exit ${code}`;
      resolve();
    });
    child.once('error', (e) => {
      exited = `spawn failed: ${e.message}`;
      resolve();
    });
  });
  child.unref();
  const pid = child.pid ?? -1;
  const read = (f: string, n: number) =>
    existsSync(f) ? readFileSync(f, 'utf8').trimEnd().split('\n').slice(-n).join('\n') : '';
  return {
    name,
    pid,
    logFile,
    get exited() {
      return exited;
    },
    tail(n = 15) {
      return [read(logFile, n), extraLog ? read(extraLog, n) : ''].filter((s) => s !== '').join('\n');
    },
    async stop(graceMs = 10_000) {
      if (exited !== null || pid <= 0) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }, graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}
