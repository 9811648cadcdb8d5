import type { Command } from './command.js';

/** node:util parseArgs options for a command's flags, with `--help`/`-h`; list flags may repeat. */
export function parseArgsOptions(cmd: Command) {
  return {
    ...Object.fromEntries(
      Object.entries(cmd.options).map(([k, o]) => [
        k,
        {
          type: o.type,
          ...(o.short ? { short: o.short } : {}),
          ...(o.list ? { multiple: true as const } : {}),
        },
      ]),
    ),
    help: { type: 'boolean' as const, short: 'h' },
  };
}
