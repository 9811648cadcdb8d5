/** A flag of a command (node:util parseArgs' option plus its help text). */
export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
}

/** One CLI command: its flags (node:util parseArgs), its help, and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, CliOption>;
  /** Returns the process exit code. */
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Renders `--help` for a command from its option table. */
export function renderHelp(cmd: Command): string {
  const lines = [`Usage: ${cmd.usage}`, '', cmd.summary, '', 'Options:'];
  for (const [name, opt] of Object.entries(cmd.options)) {
    const flag = `--${name}${opt.type === 'string' ? ' <value>' : ''}`;
    lines.push(`  ${flag.padEnd(24)}${opt.description}`);
  }
  lines.push(`  ${'--help'.padEnd(24)}Show this help`);
  return lines.join('\n');
}
