import { type ChildProcess, spawn } from 'node:child_process';

/** One finished command. */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment of a command run "as an author would": this process's, minus what `npm test`
 * and vitest put there (npm_* config, VITEST*, NODE_ENV), so a nested npm or vitest behaves as
 * it does in a fresh shell.
 */
export function authorEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|TINYPOOL)/i.test(k) || k === 'NODE_ENV' || k === 'INIT_CWD' || k === 'NODE_OPTIONS')
      continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/** Runs `cmd args` in `cwd`, killed after `timeoutMs`; resolves how it ended (never rejects on exit codes). */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandRun> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? authorEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Starts a long-running command; `lines` collects its output; `stop()` sends SIGTERM and waits (SIGKILL after 20 s). */
export function startCommand(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): { child: ChildProcess; output(): string; stop(): Promise<void> } {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? authorEnv() });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves the first match of `re` in `source()`, polling every 100 ms; rejects after `timeoutMs`. */
export async function waitForMatch(
  source: () => string,
  re: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = source().match(re);
    if (m) return m;
    if (Date.now() > until) throw new Error(`no ${re} after ${timeoutMs} ms in:\n${source()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
