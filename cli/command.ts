/** A flag of a command (node:util parseArgs' option plus its help text). */
export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /**
   * A comma-separated list that may also be given flag by flag (`--env A=1 --env B=2`): the
   * repeats arrive joined by parse-flags' LIST_SEPARATOR. Any other string flag given twice is a
   * usage error (it silently took the last).
   */
  list?: boolean;
  /**
   * The actions that take it (their words after the command: `remove`, `token create`); given
   * with any other action, a usage error — not ignored (`nodes remove N --deadline 6h` removed
   * the node at once). Absent: every action takes it.
   */
  for?: readonly string[];
  /** An empty value means something (`--token ''`: send no credential); else it is a usage error. */
  allowEmpty?: true;
}

/** One CLI command: its flags (node:util parseArgs), its help, and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, CliOption>;
  /**
   * Its actions: the words after the command that choose what it does, one under another written
   * out whole after its parent (`token`, then `token create`). Error texts name them (`run omega
   * nodes token list --help`); the usage must name each (tests/cli/command-actions.unit.test.ts).
   */
  actions?: readonly string[];
  /**
   * The action run when no action word is given (`omega audit --actor alice` lists): a flag whose
   * `for` names it is taken without the word, and refused after any other action.
   */
  defaultAction?: string;
  /** The actions that run a command line given after `--` (`sessions run -- CMD`). */
  takesCommand?: readonly string[];
  /** Takes flags only: a word after it is a usage error (`omega start extra` started a kernel). */
  noArguments?: true;
  /** Returns the process exit code. */
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

/** Actions with the ones under some of them (`token` → `token create`, …), for {@link Command.actions}. */
export function nestedActions(
  top: readonly string[],
  under: Readonly<Record<string, readonly string[]>>,
): string[] {
  return top.flatMap((a) => [
    a,
    ...(Object.hasOwn(under, a) ? (under[a] as readonly string[]) : []).map((s) => `${a} ${s}`),
  ]);
}

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Renders `--help` for a command from its option table. */
export function renderHelp(cmd: Command): string {
  const lines = [`Usage: ${cmd.usage}`, '', cmd.summary, '', 'Options:'];
  const flags = Object.entries(cmd.options).map(([name, opt]): [string, string] => [
    `--${name}${opt.type === 'string' ? ' <value>' : ''}`,
    opt.description,
  ]);
  flags.push(['--help', 'Show this help']);
  // The column fits the longest flag with two spaces to spare, so no description runs into its flag.
  const width = Math.max(24, ...flags.map(([flag]) => flag.length + 2));
  for (const [flag, description] of flags) lines.push(`  ${flag.padEnd(width)}${description}`);
  return lines.join('\n');
}
