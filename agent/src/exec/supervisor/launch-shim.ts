import { spawn } from 'node:child_process';
import { execError } from '../errors/index.js';
import { descendantsOf, listProcesses } from '../proc/proc-stat.js';
import { encodeShimConfig, type ShimConfig } from './shim-config.js';
import { startFailure } from './start-failure.js';

/** A started session: its main process and the supervisor that watches it (null without one). */
export interface Launched {
  mainPid: number;
  supervisorPid: number | null;
}

const MAX_REPORT = 4096;

/**
 * Starts a session through the supervisor: the config goes in on stdin, one line comes back
 * once the main process has exec'd (or failed to), and the launcher exits while the supervisor
 * runs on, reparented away from the agent. Resolves after the exec: the command is running.
 * A launcher silent for `timeoutMs` (blocked before exec: a binary or cwd on an unreachable
 * mount) is killed with the supervisor and main process below it, and the start fails with
 * OMEGA_ERR_EXEC_SUPERVISOR.
 */
export function launchWithShim(
  id: string,
  shimPath: string,
  config: ShimConfig,
  timeoutMs: number,
): Promise<Launched> {
  return new Promise((resolve, reject) => {
    const child = spawn(shimPath, [], { stdio: ['pipe', 'pipe', 'pipe'], env: {} });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < MAX_REPORT) out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < MAX_REPORT) err += d.toString('utf8');
    });
    child.stdin.on('error', () => {}); // a launcher that died early: reported on close
    let settled = false;
    const timer = setTimeout(async () => {
      // the supervisor and main process below it go too (the launcher still parents the supervisor
      // while it waits): a main process blocked before exec dies once it wakes, never execs
      const below = child.pid ? descendantsOf(child.pid, await listProcesses().catch(() => [])) : [];
      if (settled || out.includes('\n')) return; // it reported: the close that follows answers
      for (const pid of below)
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      // killed, and answered now: a process in uninterruptible sleep dies (and closes) only once it wakes
      child.kill('SIGKILL');
      for (const s of [child.stdin, child.stdout, child.stderr]) s.destroy();
      child.unref();
      reject(
        execError(
          'OMEGA_ERR_EXEC_SUPERVISOR',
          `The supervisor for ${id} did not report within ${timeoutMs} ms (the command blocked before exec: its binary or working directory on an unreachable mount?); it was killed.`,
          { sessionId: id, timeoutMs },
        ),
      );
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      settled = true;
      reject(
        execError('OMEGA_ERR_EXEC_SUPERVISOR', `Cannot run ${shimPath}: ${e.message}.`, { sessionId: id }, e),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      settled = true;
      const line = out.split('\n')[0]?.trim() ?? '';
      const ok = /^ok (\d+) (\d+)$/.exec(line);
      if (ok) return resolve({ mainPid: Number(ok[1]), supervisorPid: Number(ok[2]) });
      const failed = /^err (\d+) (\d+)$/.exec(line);
      if (failed) return reject(startFailure(id, Number(failed[1]), Number(failed[2])));
      reject(
        execError(
          'OMEGA_ERR_EXEC_SUPERVISOR',
          `The supervisor for ${id} failed (${line || err.trim() || `exit ${code ?? signal}`}).`,
          {
            sessionId: id,
          },
        ),
      );
    });
    child.stdin.end(encodeShimConfig(config));
  });
}
