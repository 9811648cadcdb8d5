import { parseArgs } from 'node:util';
import { type Command, UsageError } from './command.js';
import { flagErrorText } from './flag-error-text.js';
import { parseArgsOptions } from './parse-args-options.js';

/**
 * What a list flag's repeats are joined with: NUL, which no argument can hold, so a command still
 * tells one occurrence from the next (`--env A=1 --env HOME` must not read as `A="1,HOME"`).
 */
export const LIST_SEPARATOR = '\0';

function strictParse(cmd: Command, args: string[]) {
  return parseArgs({
    args,
    options: parseArgsOptions(cmd),
    allowPositionals: true,
    strict: true,
    tokens: true,
  });
}

/**
 * A command's flags and positionals (node:util parseArgs, strict). A list flag given more than
 * once arrives as its values joined by {@link LIST_SEPARATOR}; any other string flag given twice
 * is refused, naming it, and so is a string flag given an empty value.
 */
export function parseFlags(
  cmd: Command,
  args: string[],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed: ReturnType<typeof strictParse>;
  try {
    parsed = strictParse(cmd, args);
  } catch (err) {
    const text = (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? flagErrorText(cmd, args)
      : undefined;
    if (text) throw new UsageError(text);
    throw err;
  }
  const { values, positionals, tokens } = parsed;

  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || cmd.options[t.name]?.type !== 'string') continue;
    // `--grace=` read as "not given" (the default grace, exit 0): an empty value is a mistake.
    if ((t.value as string | undefined) === '' && !cmd.options[t.name]?.allowEmpty)
      throw new UsageError(
        `--${t.name} needs a value (it was given empty); leave the flag out for the default`,
      );
    if (cmd.options[t.name]?.list) continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} was given more than once; give it once`);
    seen.add(t.name);
  }
  // No action word: the command's default action's flags are taken as after its word.
  const words = positionals.length === 0 && cmd.defaultAction ? [cmd.defaultAction] : positionals;
  for (const [name, o] of Object.entries(cmd.options)) {
    if (!o.for || (values as Record<string, unknown>)[name] === undefined) continue;
    const takes = (action: string) => action.split(' ').every((w, i) => words[i] === w);
    if (o.for.some(takes)) continue;
    // Name the action as many words deep as the flag's own actions go (`token list`, not `token`).
    const depth = Math.max(
      1,
      ...o.for.filter((a) => a.startsWith(`${words[0]} `)).map((a) => a.split(' ').length),
    );
    const given = words.slice(0, depth).join(' ');
    throw new UsageError(
      `--${name} does not apply to ${cmd.name}${given ? ` ${given}` : ''} (it is for: ${o.for.join(', ')})`,
    );
  }
  const out: Record<string, string | boolean | undefined> = {};
  for (const [k, v] of Object.entries(values)) out[k] = Array.isArray(v) ? v.join(LIST_SEPARATOR) : v;
  return { values: out, positionals };
}
