import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The CLI's entry, run from source (`--conditions=source`, tsx), as the CLI tests run it. */
export const OMEGA_CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');

/** One finished CLI run. */
export interface OmegaRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `omega ...args` as a child process with `env` added to this one's. Spawned, not spawnSync:
 * a kernel started by the test answers from this process's event loop. Killed after `timeoutMs`
 * (default 120 s), so a hung CLI ends with the test instead of outliving it. `input`, when given,
 * is written to its stdin (a pipe, so no prompt: `--password-stdin`), which then ends.
 */
export function runOmega(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 120_000,
  input?: string,
): Promise<OmegaRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', OMEGA_CLI, ...args], {
      env: { ...process.env, ...env },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}
