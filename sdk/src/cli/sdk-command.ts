/** One `omega-plugin` command: its flags (node:util parseArgs), help, and what it does. */
export interface SdkCommand {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; description: string }>;
  /** Resolves the exit code. `cwd` is the folder the command works in. */
  run(
    values: Record<string, string | boolean | undefined>,
    positionals: string[],
    cwd: string,
  ): Promise<number>;
}

/** A usage error: printed as one line, exit code 2. */
export class SdkUsageError extends Error {}
