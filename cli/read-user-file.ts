import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './command.js';
import { errnoWords } from './system-error-text.js';

/** How to return a user's file: its text (UTF-8, the default) or its bytes (a packed plugin). */
export interface ReadUserFileOptions {
  as?: 'text' | 'bytes';
}

/** The one-line usage error for a file the user named that cannot be read, naming `what` to give instead. */
function unreadable(file: string, err: unknown, what: string): UsageError {
  const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
  return new UsageError(`cannot read ${file} (${errnoWords(code)}); give ${what}`);
}

/**
 * The text (or, `as: 'bytes'`, the bytes) of a file the user named (a key, a root document, a
 * packed plugin); one that cannot be read is a one-line usage error naming it, why, and `what`
 * to give instead — never Node's `ENOENT: no such file or directory, open '…'`.
 */
export async function readUserFile(file: string, what: string, opts?: { as?: 'text' }): Promise<string>;
export async function readUserFile(file: string, what: string, opts: { as: 'bytes' }): Promise<Buffer>;
export async function readUserFile(
  file: string,
  what: string,
  opts: ReadUserFileOptions = {},
): Promise<string | Buffer> {
  try {
    return opts.as === 'bytes' ? await readFile(resolve(file)) : await readFile(resolve(file), 'utf8');
  } catch (err) {
    throw unreadable(file, err, what);
  }
}

/** {@link readUserFile}'s text, read synchronously (for the CLI config, which a synchronous resolveTarget reads). */
export function readUserFileSync(file: string, what: string): string {
  try {
    return readFileSync(resolve(file), 'utf8');
  } catch (err) {
    throw unreadable(file, err, what);
  }
}
