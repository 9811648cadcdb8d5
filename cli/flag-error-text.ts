import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { parseArgsOptions } from './parse-args-options.js';

/**
 * `omega nodes list`: the command and its action words, as far as the usage names them (a word
 * the usage does not hold — a node's name, a typo — is left out), for "run … --help".
 */
export function commandWords(cmd: Command, positionals: readonly string[]): string {
  const words = [`omega ${cmd.name}`];
  const actions = Object.values(cmd.options).flatMap((o) => o.for ?? []);
  for (const [i, w] of positionals.entries()) {
    if (!/^[a-z][a-z-]*$/.test(w) || !new RegExp(`(^|[\\s<|\\[])${w}([\\s>|\\]]|$)`).test(cmd.usage)) break;
    const prefix = positionals.slice(0, i + 1).join(' ');
    // The first word is the action; a further one only when a flag's action goes that deep (`quota set`).
    if (i > 0 && !actions.some((a) => a === prefix || a.startsWith(`${prefix} `))) break;
    words.push(w);
  }
  return words.join(' ');
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
  const where = commandWords(cmd, positionals);
  const help = `run ${where} --help`;
  // A flag's value is never echoed: it may be a secret (`--token -S3cr3t`, `--password-stdin=hunter2`).
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const option = t.name === 'help' ? { type: 'boolean' } : cmd.options[t.name];
    if (!option) {
      const afterDashes =
        !t.rawName.startsWith('--') && takesCommand(cmd.usage, positionals[0])
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

/**
 * Whether the usage of `action` takes `-- CMD`, looking at the part of the usage from the action
 * word to the `|` or bracket that closes it.
 */
function takesCommand(usage: string, action: string | undefined): boolean {
  if (!action || !/^[a-z][a-z-]*$/.test(action)) return false;
  const start = usage.search(new RegExp(`(?<=[<|\\s(\\[])${action}(?=[\\s>|\\])])`));
  if (start < 0) return false;
  let depth = 0;
  let end = start;
  for (; end < usage.length; end++) {
    const c = usage[end] as string;
    if ('<([{'.includes(c)) depth++;
    else if ('>)]}'.includes(c)) {
      if (depth === 0) break;
      depth--;
    } else if (c === '|' && depth === 0) break;
  }
  return usage.slice(start, end).includes('-- CMD');
}
