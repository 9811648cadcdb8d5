import { UsageError } from './command.js';
import { readUserFile } from './read-user-file.js';

/**
 * Reads a JSON file the user named (a key, a root document); a file that cannot be read or parsed
 * is a one-line usage error naming it and `what` it should be. The parser's own message is never
 * shown: it quotes the file's first bytes, and a key file holds a secret.
 */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  const text = await readUserFile(file, what);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON${whereInvalid(text, err)}; give ${what}`);
  }
}

/**
 * Where the parser stopped, as " (line L, column C)", when its message gives a position (V8 names
 * one for most errors; "Unexpected token" quotes the text instead, and none is shown then): enough
 * to find the mistake in a hand-edited file, with none of the file's bytes.
 */
function whereInvalid(text: string, err: unknown): string {
  const at = /at position (\d+)/.exec((err as Error).message)?.[1];
  if (at === undefined) return '';
  const before = text.slice(0, Number(at));
  const line = before.split('\n').length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}
