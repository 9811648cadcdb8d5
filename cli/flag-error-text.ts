import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { parseArgsOptions } from './parse-args-options.js';

/**
 * The action the positionals name, as deep as the command declares one (`token list`); a word it
 * does not declare — a node's name, a typo — ends it. Empty when the first word is no action.
 */
export function actionOf(cmd: Command, positionals: readonly string[]): string {
  const actions = cmd.actions ?? [];
  let depth = 0;
  while (depth < positionals.length && actions.includes(positionals.slice(0, depth + 1).join(' '))) depth++;
  return positionals.slice(0, depth).join(' ');
}

/** `omega nodes list`: the command and its action words ({@link actionOf}), for "run … --help". */
export function commandWords(cmd: Command, positionals: readonly string[]): string {
  const action = actionOf(cmd, positionals);
  return `omega ${cmd.name}${action ? ` ${action}` : ''}`;
}

/**
 * The one line for a flag node:util parseArgs refused (strict), in place of its own text — that
 * one hints at `-- "--bogus"` (with an unbalanced quote) for a mistyped flag, and calls
 * `--cores -1` "ambiguous". Undefined when it is none of the cases known here.
 */
export function flagErrorText(cmd: Command, args: string[]): string | undefined {
  const { tokens } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: parseArgsOptions(cmd),
  });
  const positionals = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  const action = actionOf(cmd, positionals);
  const where = commandWords(cmd, positionals);
  const help = `run ${where} --help`;
  // A flag's value is never echoed: it may be a secret (`--token -S3cr3t`, `--password-stdin=hunter2`).
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const option = t.name === 'help' ? { type: 'boolean' } : cmd.options[t.name];
    if (!option) {
      const afterDashes =
        !t.rawName.startsWith('--') && cmd.takesCommand?.includes(action)
          ? `; put the command after --, as in -- CMD ${t.rawName}`
          : '';
      return `unknown flag ${t.rawName} for ${where}; ${help}${afterDashes}`;
    }
    const flag = `--${t.name}`;
    if (option.type === 'boolean') {
      if (t.inlineValue) return `${flag} takes no value; ${help}`;
      continue;
    }
    if (t.value === undefined) return `${flag} needs a value; ${help}`;
    // A lone `-` is a value (stdin, by custom); parseArgs takes it as one.
    if (!t.inlineValue && t.value.length > 1 && t.value[0] === '-')
      return /^-\d/.test(t.value)
        ? `${flag} needs a value; a negative number is not taken as one (write ${flag}=VALUE to pass it as is)`
        : `${flag} needs a value, and the next word starts with - so it is read as a flag (write ${flag}=VALUE to pass a value that starts with -)`;
  }
  return undefined;
}
