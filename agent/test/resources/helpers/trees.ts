import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandResult, RunCommand } from '@omega/hostinfo';

/** @omega/hostinfo's recorded captures (real machines; see their README). */
export const HOSTINFO_FIXTURES = join(import.meta.dirname, '../../../../hostinfo/test/fixtures');

const made: string[] = [];

/** A temp dir holding a copy of `from` (a recorded tree), removed by {@link removeTrees}. */
export function copyTree(from: string): string {
  const root = mkdtempSync(join(tmpdir(), 'omega-res-'));
  made.push(root);
  cpSync(from, root, { recursive: true });
  return root;
}

/** A temp dir with `files` (relative path → text), removed by {@link removeTrees}. */
export function tree(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'omega-res-'));
  made.push(root);
  writeFiles(root, files);
  return root;
}

/** Writes (or overwrites) `files` under `root`. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

/** Removes every tree made. */
export function removeTrees(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** /proc/stat text for CPUs given as [user, system, idle] ticks (the total line sums them). */
export function procStat(cpus: Array<[number, number, number]>): string {
  const sum = cpus.reduce((a, c) => [a[0] + c[0], a[1] + c[1], a[2] + c[2]], [0, 0, 0]);
  const line = (name: string, c: number[]) => `${name} ${c[0]} 0 ${c[1]} ${c[2]} 0 0 0 0 0 0`;
  return `${[line('cpu ', sum), ...cpus.map((c, i) => line(`cpu${i}`, c))].join('\n')}\nctxt 1\nbtime 1\n`;
}

/**
 * A {@link RunCommand} answering recorded output of external tools by `"<file> <first arg>"`;
 * anything else is "not installed". The tools are not ours; the readers under test are real.
 */
export function replay(answers: Record<string, CommandResult>): RunCommand {
  return async (file, args) =>
    answers[`${file} ${args[0]?.split('=')[0]}`] ?? {
      ok: false,
      missing: true,
      reason: `${file} not installed`,
    };
}

/** A command that ran and printed `stdout`. */
export const printed = (stdout: string, exitCode = 0): CommandResult => ({
  ok: true,
  stdout,
  stderr: '',
  exitCode,
});
