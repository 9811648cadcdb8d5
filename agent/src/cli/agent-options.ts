import { SESSION_FLAGS } from '../sessions/sessions-config.js';

/** One flag of `omega-agent` (node:util parseArgs' option plus its help text). */
export interface AgentOption {
  type: 'string' | 'boolean';
  multiple?: boolean;
  env?: string;
  description: string;
}

/** Every flag of `omega-agent` / `omega agent`, with the environment variable that sets the same. */
export const AGENT_OPTIONS: Record<string, AgentOption> = {
  server: {
    type: 'string',
    env: 'OMEGA_AGENT_SERVER',
    description: 'Kernel URL to join, http(s)://host:port',
  },
  'join-token': {
    type: 'string',
    env: 'OMEGA_AGENT_JOIN_TOKEN',
    description: 'Join token (first start only; prefer the variable or --join-token-file: flags show in ps)',
  },
  'join-token-file': {
    type: 'string',
    env: 'OMEGA_AGENT_JOIN_TOKEN_FILE',
    description: 'File holding the join token',
  },
  'cert-sha256': {
    type: 'string',
    env: 'OMEGA_AGENT_CERT_SHA256',
    description: "SHA-256 of the kernel's TLS certificate (https): any other certificate is refused",
  },
  name: { type: 'string', env: 'OMEGA_AGENT_NAME', description: 'Node name (default: the hostname)' },
  'data-dir': {
    type: 'string',
    env: 'OMEGA_AGENT_DATA_DIR',
    description:
      'Identity, pins and command journal (default /var/lib/omega-agent, ~/.omega-agent if not root)',
  },
  config: { type: 'string', env: 'OMEGA_AGENT_CONFIG', description: 'JSON config file (flags > env > file)' },
  'log-level': {
    type: 'string',
    env: 'OMEGA_AGENT_LOG_LEVEL',
    description: 'fatal|error|warn|info|debug|trace|silent',
  },
  'discovery-interface': {
    type: 'string',
    multiple: true,
    env: 'OMEGA_AGENT_DISCOVERY_INTERFACES',
    description: 'Announce and accept invitations only on this interface (repeat, or a comma list)',
  },
  'discovery-port': {
    type: 'string',
    env: 'OMEGA_AGENT_DISCOVERY_PORT',
    description: 'Port of the approval listener (default 7701; 0 picks one)',
  },
  'no-discovery': {
    type: 'boolean',
    env: 'OMEGA_AGENT_DISCOVERY=off',
    description: 'Never announce: exit when there is nothing to join with',
  },
  'probe-port': {
    type: 'string',
    env: 'OMEGA_AGENT_PROBE_PORT',
    description: 'UDP port of the network probe responder (default 7799; 0 picks one)',
  },
  ...Object.fromEntries(
    Object.entries(SESSION_FLAGS).map(([k, f]) => [
      k,
      { type: 'string' as const, env: f.env, description: f.description },
    ]),
  ),
  version: { type: 'boolean', description: 'Print the version and exit' },
};

/** `--help` of the agent, for `omega-agent` or `omega agent`. */
export function agentHelp(program: string): string {
  const lines = [
    `Usage: ${program} [--server URL --join-token T] [--name N] [--data-dir D] [--config FILE]`,
    '',
    'Runs the Omega node agent in the foreground: joins a kernel with a join token (first start),',
    'resumes with the identity in its data directory after that, or, started with neither, announces',
    'itself on mDNS and waits for an operator to approve it. SIGTERM leaves gracefully.',
    '',
    'Options:',
  ];
  const flags = Object.entries(AGENT_OPTIONS).map(([name, opt]): [string, string] => [
    `--${name}${opt.type === 'string' ? ' <value>' : ''}`,
    `${opt.description}${opt.env ? ` [${opt.env}]` : ''}`,
  ]);
  flags.push(['--help', 'Show this help']);
  // The column fits the longest flag with two spaces to spare, so no description runs into its flag.
  const width = Math.max(30, ...flags.map(([flag]) => flag.length + 2));
  for (const [flag, description] of flags) lines.push(`  ${flag.padEnd(width)}${description}`);
  lines.push('', 'Details: docs/agent.md.');
  return lines.join('\n');
}
