import { spawn } from 'node:child_process';
import { execError } from '../errors/index.js';
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
 */
export function launchWithShim(id: string, shimPath: string, config: ShimConfig): Promise<Launched> {
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
    child.on('error', (e) =>
      reject(
        execError('OMEGA_ERR_EXEC_SUPERVISOR', `Cannot run ${shimPath}: ${e.message}.`, { sessionId: id }, e),
      ),
    );
    child.on('close', (code, signal) => {
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
