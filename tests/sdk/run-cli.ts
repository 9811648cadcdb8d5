import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** The author CLI, run exactly as its bin runs (the built sdk: npm run build:packages). */
export const OMEGA_PLUGIN = join(ROOT, 'sdk', 'bin', 'omega-plugin.js');

/** One finished CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node [nodeArgs] <script> ...args` in `cwd`, with `env` added to this process's. */
export function runCli(
  script: string,
  args: string[],
  cwd: string,
  opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): Promise<CliRun> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('exit', (code) => done({ code: code ?? 1, stdout, stderr, ms: performance.now() - started }));
  });
}
