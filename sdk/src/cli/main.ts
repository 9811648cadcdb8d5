import { parseArgs } from 'node:util';
import { buildCommand } from './commands/build-command.js';
import { initCommand } from './commands/init-command.js';
import { keygenCommand } from './commands/keygen-command.js';
import { packCommand } from './commands/pack-command.js';
import { pagesCommand } from './commands/pages-command.js';
import { signCommand } from './commands/sign-command.js';
import { testCommand } from './commands/test-command.js';
import { type SdkCommand, SdkUsageError } from './sdk-command.js';
import { sdkPackage } from './sdk-package.js';

const COMMANDS: SdkCommand[] = [
  initCommand,
  pagesCommand,
  buildCommand,
  testCommand,
  keygenCommand,
  signCommand,
  packCommand,
];

function help(cmd?: SdkCommand): string {
  if (cmd) {
    const lines = [`Usage: ${cmd.usage}`, '', cmd.summary];
    const opts = Object.entries(cmd.options);
    if (opts.length) lines.push('', 'Options:');
    for (const [name, o] of opts) {
      lines.push(`  ${`--${name}${o.type === 'string' ? ' <value>' : ''}`.padEnd(24)}${o.description}`);
    }
    return lines.join('\n');
  }
  const lines = ['Usage: omega-plugin <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)}${c.summary}`);
  lines.push(
    '',
    "omega-plugin --version prints the sdk version; omega-plugin <command> --help, a command's options.",
  );
  return lines.join('\n');
}

/** Runs `omega-plugin` with `argv` (without node and script) in `cwd`; resolves the exit code. */
export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${sdkPackage().version}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  try {
    if (!cmd) throw new SdkUsageError(`unknown command "${name}"; run omega-plugin --help`);
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        ...Object.fromEntries(Object.entries(cmd.options).map(([k, o]) => [k, { type: o.type }])),
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
    if (values.help) {
      process.stdout.write(`${help(cmd)}\n`);
      return 0;
    }
    return await cmd.run(values, positionals, cwd);
  } catch (err) {
    const e = err as { message?: string; code?: string };
    if (err instanceof SdkUsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`omega-plugin: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`omega-plugin: ${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}\n`);
    // every type error, one line each, after the summary
    const all = (err as { extras?: { errors?: Array<{ field: string; message: string }> } }).extras?.errors;
    if (all && all.length > 1)
      for (const x of all.slice(0, 50)) process.stderr.write(`  ${x.field} ${x.message}\n`);
    return 1;
  }
}
