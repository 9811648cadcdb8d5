import { execFile } from 'node:child_process';

/** What running a command gave: its output and exit code, or why it could not run. */
export type CommandResult =
  | { ok: true; stdout: string; stderr: string; exitCode: number }
  | { ok: false; missing: boolean; reason: string };

/** Runs `file` with `args` (no shell); injectable so tests can replay recorded output. */
export type RunCommand = (file: string, args: readonly string[]) => Promise<CommandResult>;

/** Options of {@link createCommandRunner}. */
export interface CommandRunnerOptions {
  /** The command is killed after this long (default 10 000 ms): a hung tool must not pile up. */
  timeoutMs?: number;
  /** Output larger than this is refused (default 4 MiB). */
  maxBytes?: number;
}

/**
 * Creates the default {@link RunCommand}: `execFile` without a shell, `LC_ALL=C` so numbers and
 * words are the documented ones, bounded in time and output. A non-zero exit is still `ok`
 * (smartctl's exit code is a bit mask; its JSON is on stdout); `ok: false` means the command did
 * not run to completion, with `missing: true` when it is not installed.
 */
export function createCommandRunner(o: CommandRunnerOptions = {}): RunCommand {
  const timeout = o.timeoutMs ?? 10_000;
  const maxBuffer = o.maxBytes ?? 4 * 1024 * 1024;
  return (file, args) =>
    new Promise((resolve) => {
      execFile(
        file,
        args,
        { timeout, maxBuffer, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, windowsHide: true },
        (err, stdout, stderr) => {
          if (!err) return resolve({ ok: true, stdout, stderr, exitCode: 0 });
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
          if (e.code === 'ENOENT')
            return resolve({ ok: false, missing: true, reason: `${file} not installed` });
          if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            return resolve({
              ok: false,
              missing: false,
              reason: `${file} printed more than ${maxBuffer} bytes`,
            });
          }
          if (e.killed) {
            return resolve({
              ok: false,
              missing: false,
              reason: `${file} did not answer within ${timeout} ms`,
            });
          }
          if (typeof e.code === 'number') return resolve({ ok: true, stdout, stderr, exitCode: e.code });
          resolve({ ok: false, missing: false, reason: `${file} could not run: ${e.message}` });
        },
      );
    });
}

/** The first non-empty line of a command's stderr (or stdout), for an absent reason. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}
