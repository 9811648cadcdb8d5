import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { execError } from '../errors/index.js';
import { segmentName } from '../logs/log-segments.js';
import { readProcStat } from '../proc/proc-stat.js';
import { writeExitRecord } from './exit-record.js';
import type { Launched } from './launch-shim.js';
import type { ShimConfig } from './shim-config.js';
import { writeSupervisorRecord } from './supervisor-record.js';

/** Enter-then-exec in plain sh: write our pid into each cgroup.procs, then exec the rest of argv. */
const ENTER =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';

function chain(c: ShimConfig): string[] {
  const argv: string[] = [];
  const nproc = c.rlimits.find((r) => r.name === 'NPROC');
  if (nproc) argv.push('prlimit', `--nproc=${nproc.soft}:${nproc.hard}`, '--');
  if (c.nice !== null) argv.push('nice', '-n', String(c.nice));
  if (c.cpus !== null) argv.push('taskset', '-c', c.cpus.join(','));
  if (c.uid !== null && c.gid !== null) {
    argv.push(
      'setpriv',
      `--reuid=${c.uid}`,
      `--regid=${c.gid}`,
      '--clear-groups',
      ...(c.noNewPrivs ? ['--no-new-privs'] : []),
      '--',
    );
  }
  return [...argv, c.file, ...c.argv.slice(1)];
}

/**
 * The fallback when no supervisor can be built: the agent spawns the session itself, its
 * stdout/stderr going to files opened O_APPEND (no pipe to break when the agent restarts, but
 * no cap or rotation either). While the agent lives it records the exit in exit.json; an exit
 * while the agent is down is recorded later as `unknown`.
 */
export function launchDirect(id: string, c: ShimConfig): Promise<Launched> {
  return new Promise((resolve, reject) => {
    const out = openSync(join(c.stdoutDir, segmentName(0)), 'a', 0o640);
    const err = openSync(join(c.stderrDir, segmentName(0)), 'a', 0o640);
    const env = Object.fromEntries(
      c.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
    const startedAtMs = Date.now();
    const fail = (e: NodeJS.ErrnoException) =>
      e.code === 'E2BIG'
        ? execError(
            'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
            `Session ${id}: the kernel refused the argument list (E2BIG).`,
            {
              sessionId: id,
              source: 'kernel',
              errno: 'E2BIG',
            },
          )
        : execError('OMEGA_ERR_EXEC_START_FAILED', `Session ${id}: ${e.message}.`, {
            sessionId: id,
            errno: e.code,
            stage: 'exec',
          });
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('/bin/sh', ['-c', ENTER, 'omega-enter', String(c.join.length), ...c.join, ...chain(c)], {
        stdio: ['ignore', out, err],
        detached: true,
        cwd: c.cwd ?? '/',
        env,
      });
    } catch (e) {
      reject(fail(e as NodeJS.ErrnoException)); // some errors (E2BIG) are thrown, not emitted
      return;
    } finally {
      closeSync(out);
      closeSync(err);
    }
    child.on('error', (e: NodeJS.ErrnoException) => reject(fail(e)));
    child.on('spawn', async () => {
      const pid = child.pid!;
      child.unref();
      child.on('exit', (code, signal) => {
        void writeExitRecord(c.dir, {
          mainPid: pid,
          status: signal ? 'signaled' : 'exited',
          code,
          signal: signal ? (constants.signals[signal] ?? null) : null,
          startedAtMs,
          endedAtMs: Date.now(),
          cleanup: 'not-empty',
        });
      });
      // A rejection here (the record not writable: a full disk) fails the start, which kills the
      // tree; thrown from this listener it would be unhandled and end the agent.
      try {
        const stat = await readProcStat(pid);
        await writeSupervisorRecord(c.dir, {
          shimPid: null,
          shimStartTicks: null,
          mainPid: pid,
          mainStartTicks: stat?.startTicks ?? 0,
          startedAtMs,
        });
        resolve({ mainPid: pid, supervisorPid: null });
      } catch (e) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
        reject(fail(e as NodeJS.ErrnoException));
      }
    });
  });
}
