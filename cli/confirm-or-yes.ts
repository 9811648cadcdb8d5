import { createInterface } from 'node:readline/promises';
import { UsageError } from './command.js';

/**
 * Consent to an action that cannot be undone (`users delete`, `roles delete`): `--yes`, or a `y`
 * typed at the prompt when stdin is a terminal (and not `--json`, whose output a script reads),
 * as `plugin install` asks for a change. Else a usage error (exit 2), nothing done, that says
 * what would happen (`what`: "this deletes user alice …") and names `--yes`.
 */
export async function confirmOrYes(values: Readonly<Record<string, unknown>>, what: string): Promise<void> {
  if (values.yes === true) return;
  if (values.json !== true && process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      if (/^y(es)?$/i.test((await rl.question(`${what}. Proceed? [y/N] `)).trim())) return;
    } finally {
      rl.close();
    }
    throw new UsageError('not confirmed; nothing was changed');
  }
  throw new UsageError(`${what}; confirm with --yes`);
}
