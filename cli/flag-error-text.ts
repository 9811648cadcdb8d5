import { parseArgs } from 'node:util';
import type { Command } from './command.js';

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
    options: {
      ...Object.fromEntries(
        Object.entries(cmd.options).map(([k, o]) => [
          k,
          { type: o.type, ...(o.short ? { short: o.short } : {}) },
        ]),
      ),
      help: { type: 'boolean', short: 'h' },
    },
  });
  const positionals = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  const where = commandWords(cmd, positionals);
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const option = t.name === 'help' ? { type: 'boolean' } : cmd.options[t.name];
    if (!option) return `unknown flag ${t.rawName} for ${where}; run ${where} --help`;
    const flag = `--${t.name}`;
    if (option.type === 'boolean') {
      if (t.inlineValue) return `${flag} takes no value (got ${flag}=${t.value}); run ${where} --help`;
      continue;
    }
    if (t.value === undefined) return `${flag} needs a value; run ${where} --help`;
    if (!t.inlineValue && t.value.startsWith('-'))
      return /^-\d/.test(t.value)
        ? `${flag} needs a value; a negative number is not one (write ${flag}=${t.value} to pass it as is)`
        : `${flag} needs a value, and ${t.value} is a flag (write ${flag}=${t.value} to pass it as the value)`;
  }
  return undefined;
}
