import { UsageError } from '../../command.js';

/** The flags `omega sessions` was given, as node:util parseArgs reads them. */
export type Values = Record<string, string | boolean | undefined>;
/** A JSON object sent to the kernel. */
export type Obj = Record<string, unknown>;

/** A string flag's value, or undefined when it was not given (or given as a boolean). */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The one positional an action takes (a session id), or a usage error saying `sessions ${what}`. */
export function one(args: string[], what: string): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`sessions ${what}`);
  return args[0];
}
