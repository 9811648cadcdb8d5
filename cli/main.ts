import { hasErrorCode } from '@omega/protocol';
import { KERNEL_VERSION } from '../kernel/index.js';
import { ApiError } from './api-client.js';
import { type Command, renderHelp, UsageError } from './command.js';
import { COMMANDS } from './command-list.js';
import { parseFlags } from './parse-flags.js';
import { systemErrorText } from './system-error-text.js';
import { TargetError } from './target.js';
import { terminalSafe } from './terminal-safe.js';

/** Flags every command that talks to a kernel takes (a command's own definition wins). */
const GLOBAL_OPTIONS: Command['options'] = {
  url: {
    type: 'string',
    description: 'Kernel URL (default: the current context, $OMEGA_URL, http://127.0.0.1:7700)',
  },
  context: { type: 'string', description: 'Use a context from omega login (omega context list)' },
  token: {
    type: 'string',
    allowEmpty: true,
    description:
      "Bearer token (default: $OMEGA_TOKEN, the context, <data-dir>/admin-token; --token '' sends none)",
  },
};
// `agent` is a node agent, not an API client: it takes --server and --join-token instead;
// `security break-glass` works on the data directory of the kernel's machine.
const LOCAL_COMMANDS = new Set(['start', 'marketplace', 'login', 'logout', 'context', 'agent', 'security']);

/** A command with the global flags merged in (where they apply). */
function withGlobals(cmd: Command): Command {
  return LOCAL_COMMANDS.has(cmd.name) ? cmd : { ...cmd, options: { ...GLOBAL_OPTIONS, ...cmd.options } };
}

/** A failure is one line on stderr (node:util parseArgs writes some of its messages on three). */
function oneLine(message: string): string {
  return terminalSafe(
    message
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' '),
  );
}

function topHelp(): string {
  const lines = ['Usage: omega <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(12)}${c.summary}`);
  lines.push(
    '',
    'Global: --version [--json], --help. Commands that talk to a kernel take --url, --context and --token;',
    'sign in once with `omega login --url URL`. Run `omega <command> --help` for its options.',
  );
  return lines.join('\n');
}

/** Runs the CLI with `argv` (without node and script); resolves the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // No command is a usage error: the help goes where errors go, so `omega > out` shows it.
    process.stderr.write(`${topHelp()}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${topHelp()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(
      rest.includes('--json')
        ? `${JSON.stringify({ version: KERNEL_VERSION })}\n`
        : `omega ${KERNEL_VERSION}\n`,
    );
    return 0;
  }
  const found = COMMANDS.find((c) => c.name === name);
  const cmd = found ? withGlobals(found) : undefined;
  try {
    if (!cmd) throw new UsageError(`unknown command "${name}"; run omega --help for the list`);
    const { values, positionals } = parseFlags(cmd, rest);
    if (values.help) {
      process.stdout.write(`${renderHelp(cmd)}\n`);
      return 0;
    }
    // `omega start extra` started a kernel as if the word were not there.
    if (cmd.noArguments && positionals.length > 0)
      throw new UsageError(
        `${cmd.name} takes no arguments (got "${positionals[0]}"); run omega ${cmd.name} --help`,
      );
    return await cmd.run(values, positionals);
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof TargetError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`omega: ${oneLine((err as Error).message)}\n`);
      return 2;
    }
    if (err instanceof ApiError) {
      process.stderr.write(`omega: ${oneLine(err.message)} [${err.code}]\n`);
      return 1;
    }
    if (hasErrorCode(err)) {
      process.stderr.write(`omega: ${oneLine(err.message)} [${err.code}]\n`);
      return 1;
    }
    const text = systemErrorText(err) ?? (err as Error)?.message ?? String(err);
    process.stderr.write(`omega: ${oneLine(text)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Let stdout drain; then make sure no stray handle keeps a finished command alive.
  setTimeout(() => process.exit(code), 50).unref();
});
