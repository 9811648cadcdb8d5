import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './command.js';
import { errnoWords } from './system-error-text.js';

/**
 * The text of a file the user named (a key, a root document); one that cannot be read is a
 * one-line usage error naming it, why, and `what` to give instead — never Node's
 * `ENOENT: no such file or directory, open '…'`.
 */
export async function readUserFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read ${file} (${errnoWords(code)}); give ${what}`);
  }
}
