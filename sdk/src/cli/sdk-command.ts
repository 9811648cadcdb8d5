import { resolve } from 'node:path';

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

/** The plugin folder a command works on: its optional DIR argument, against `cwd` (default: `cwd` itself). */
export function pluginDir(positionals: readonly string[], cwd: string): string {
  return resolve(cwd, positionals[0] ?? '.');
}

/** A command whose only argument is the plugin folder: `omega-plugin <name> [DIR]`, no options. */
export function dirCommand(c: {
  name: string;
  summary: string;
  /** Resolves the exit code; `dir` is the plugin folder (see {@link pluginDir}). */
  run(dir: string): Promise<number>;
}): SdkCommand {
  return {
    name: c.name,
    summary: c.summary,
    usage: `omega-plugin ${c.name} [DIR]`,
    options: {},
    run: (_values, positionals, cwd) => c.run(pluginDir(positionals, cwd)),
  };
}
