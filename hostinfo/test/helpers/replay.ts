import type { CommandResult, RunCommand } from '../../src/index.js';

/**
 * A {@link RunCommand} that answers recorded output of an external tool, keyed by
 * `"<file> <first arg up to =>"`; anything else is "not installed". The tool is not ours; the parsers and
 * readers under test are the real ones.
 */
export function replay(answers: Record<string, CommandResult>): RunCommand & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (file: string, args: readonly string[]) => {
    calls.push([file, ...args]);
    return (
      answers[`${file} ${args[0]?.split('=')[0]}`] ?? {
        ok: false as const,
        missing: true,
        reason: `${file} not installed`,
      }
    );
  };
  return Object.assign(run, { calls });
}

/** A command that ran and exited with `exitCode`, printing `stdout`. */
export const printed = (stdout: string, exitCode = 0): CommandResult => ({
  ok: true,
  stdout,
  stderr: '',
  exitCode,
});
