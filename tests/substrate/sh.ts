import { execFile, execFileSync } from 'node:child_process';

/** The outcome of one command of the substrate. */
export interface ShResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args` without a shell, bounded by `timeoutMs` (then SIGKILL). Never rejects on a
 * non-zero exit; `check: true` turns one into an error naming the command and its stderr.
 */
export function sh(
  command: string,
  args: readonly string[],
  options: { timeoutMs?: number; check?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<ShResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        timeout: options.timeoutMs ?? 20_000,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        env: options.env ?? process.env,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        if (err && typeof err.code === 'string') {
          reject(new Error(`${command}: ${err.message}`));
          return;
        }
        const result = { code, stdout: String(stdout), stderr: String(stderr) };
        if (options.check && code !== 0) {
          reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${result.stderr.trim()}`));
          return;
        }
        resolve(result);
      },
    );
  });
}

/** Like {@link sh} with `check: true`; answers stdout. */
export async function shOk(command: string, args: readonly string[], timeoutMs?: number): Promise<string> {
  return (await sh(command, args, { check: true, ...(timeoutMs ? { timeoutMs } : {}) })).stdout;
}

/** Synchronous and silent: for clean-up on process exit, where nothing async runs any more. */
export function shSyncQuiet(command: string, args: readonly string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // clean-up is best effort: the thing may already be gone
  }
}

/** Polls `check` every `everyMs` until it answers a value, or rejects naming `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
