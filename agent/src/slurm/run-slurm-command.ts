import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { slurmError } from './slurm-error.js';

/** What a finished Slurm command left behind. */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to run the Slurm client commands. */
export interface CommandOptions {
  /** Directory holding sbatch, squeue, …; PATH lookup when absent. */
  binDir?: string;
  /** The whole environment of the command (e.g. PATH, SLURM_CONF); nothing else is inherited. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Bytes of stdout kept before the command counts as misbehaving. */
  maxOutputBytes?: number;
}

/**
 * Runs one Slurm client command without a shell: arguments go as argv, `input` to stdin,
 * `fd3` to a pipe on file descriptor 3 (for `sbatch --export-file=3`). Resolves with the
 * exit status whatever it is; rejects only when the command cannot run (missing: its name
 * and where it was looked for), does not finish in time, or prints more than allowed.
 */
export function runSlurmCommand(
  name: string,
  args: readonly string[],
  options: CommandOptions,
  io: { input?: string; fd3?: Buffer } = {},
): Promise<CommandResult> {
  const file = options.binDir ? join(options.binDir, name) : name;
  const max = options.maxOutputBytes ?? 256 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe'];
    if (io.fd3) stdio.push('pipe');
    const child = spawn(file, args, { env: options.env, stdio, cwd: '/' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let failure: Error | null = null;
    const fail = (e: Error) => {
      if (failure) return;
      failure = e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        fail(
          slurmError(
            'OMEGA_ERR_SLURM_UNAVAILABLE',
            `${name} did not finish within ${options.timeoutMs} ms.`,
            {
              command: name,
            },
          ),
        ),
      options.timeoutMs,
    );
    child.stdout?.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > max)
        fail(slurmError('OMEGA_ERR_SLURM_PROTOCOL', `${name} printed more than ${max} bytes.`));
      else out.push(b);
    });
    child.stderr?.on('data', (b: Buffer) => {
      if (errBytes < 64 * 1024) err.push(b);
      errBytes += b.length;
    });
    for (const s of child.stdio) s?.on('error', () => {}); // EPIPE when the command exits before reading
    child.on('error', (e: NodeJS.ErrnoException) => {
      fail(
        e.code === 'ENOENT'
          ? slurmError(
              'OMEGA_ERR_SLURM_UNAVAILABLE',
              `${name} not found${options.binDir ? ` in ${options.binDir}` : ' on PATH'}; install the Slurm client commands (Debian: slurm-client) or set binDir.`,
              { command: name },
            )
          : slurmError(
              'OMEGA_ERR_SLURM_UNAVAILABLE',
              `${name} could not be started (${e.code ?? 'error'}).`,
              {
                command: name,
              },
            ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    const fd3 = io.fd3 ? child.stdio[3] : undefined;
    if (fd3 && 'end' in fd3) fd3.end(io.fd3);
    child.stdin?.end(io.input ?? '');
  });
}
