import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** The author CLI, run exactly as its bin runs. */
export const OMEGA_PLUGIN = join(ROOT, 'sdk', 'bin', 'omega-plugin.js');
/** The operator CLI (cli/main.ts through tsx). */
export const OMEGA = join(ROOT, 'cli', 'main.ts');

/** One finished CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node <script> ...args` in `cwd`; `tsx` adds tsx's loader (for the operator CLI's source). */
export function runCli(
  script: string,
  args: string[],
  cwd: string,
  opts: { tsx?: boolean } = {},
): Promise<CliRun> {
  const started = performance.now();
  const node = opts.tsx ? ['--conditions=source', '--import', TSX, script, ...args] : [script, ...args];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, node, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
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
