import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './command.js';

/**
 * Reads a JSON file the user named (a key, a root document); a file that cannot be read or parsed
 * is a one-line usage error naming it and `what` it should be. The parser's own message is never
 * shown: it quotes the file's first bytes, and a key file holds a secret.
 */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(file), 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}); give ${what}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON; give ${what}`);
  }
}
