import { AGENT_OPTIONS, runAgentCli } from '@omega/agent';
import type { CliOption, Command } from '../command.js';
import { LIST_SEPARATOR } from '../parse-flags.js';

/** `omega agent`: the node agent in the foreground (the same program as `omega-agent`). */
export const agentCommand: Command = {
  name: 'agent',
  summary: 'Run the node agent of this machine: join a kernel, heartbeat, run its commands (SIGTERM leaves).',
  usage: 'omega agent [--server URL --join-token T] [--name N] [--data-dir D] [--config FILE]',
  options: Object.fromEntries(
    Object.entries(AGENT_OPTIONS).map(([name, o]): [string, CliOption] => [
      name,
      {
        type: o.type,
        // given more than once, a repeatable flag reaches the agent as one comma list
        ...(o.multiple ? { list: true } : {}),
        description: `${o.description}${o.env ? ` [${o.env}]` : ''}`,
      },
    ]),
  ),
  run(values) {
    const argv: string[] = [];
    for (const [name, v] of Object.entries(values)) {
      if (v === undefined || v === false || name === 'help') continue;
      argv.push(`--${name}`);
      if (v !== true) argv.push(String(v).replaceAll(LIST_SEPARATOR, ','));
    }
    return runAgentCli(argv, 'omega agent');
  },
};
