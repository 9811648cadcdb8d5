import { UsageError } from './command.js';

/**
 * Refuses the flags of a command's default action (`list`, run when no action is given:
 * `omega audit --actor alice`) given to another one (`omega audit verify --actor alice`). A
 * CliOption's `for` cannot say it: it takes a flag only after its action's word, and the word
 * is optional here. Worded as parse-flags words a flag `for` another action.
 */
export function listOnlyFlags(
  command: string,
  action: string,
  values: Readonly<Record<string, unknown>>,
  flags: readonly string[],
): void {
  if (action === 'list') return;
  const given = flags.find((f) => values[f] !== undefined);
  if (given) throw new UsageError(`--${given} does not apply to ${command} ${action} (it is for: list)`);
}
