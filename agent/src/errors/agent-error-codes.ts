/**
 * Every error code the node agent itself raises, in one table shaped like the kernel's
 * (`status` where it maps to HTTP — the approval listener's answers —, `title`, and `fix`: what
 * to do next). The agent never imports kernel/; docs/agent.md lists every code and a test keeps
 * the two in step. Command results may also carry the kernel's own codes (`OMEGA_ERR_NOT_FOUND`
 * for an unknown op) and those of the session executor.
 */
export interface AgentErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly fix: string;
}

export const AGENT_ERROR_CODES = {
  OMEGA_ERR_AGENT_CONFIG: {
    status: 400,
    title: 'Invalid agent configuration',
    fix: 'Correct the named field in the config file, the OMEGA_AGENT_* variable or the flag; omega-agent --help lists them.',
  },
  OMEGA_ERR_AGENT_NOT_JOINED: {
    status: 400,
    title: 'Nothing to join with',
    fix: 'Give --server and --join-token (omega nodes token create mints one), or start without both to be discovered and approved.',
  },
  OMEGA_ERR_AGENT_IDENTITY: {
    status: 500,
    title: 'Agent identity unusable',
    fix: 'The data directory must be readable only by the agent (chmod 700 DIR, chmod 600 its files). A corrupt identity cannot be repaired: remove the node (omega nodes remove), delete the data directory and join again.',
  },
  OMEGA_ERR_AGENT_REFUSED: {
    status: 403,
    title: 'The kernel refused this agent',
    fix: 'Read `kernelCode`: a used-up, expired or revoked join token needs a new one; a removed node must delete its data directory and join again with a new token.',
  },
  OMEGA_ERR_AGENT_KERNEL_KEY: {
    status: 403,
    title: 'The kernel is not the one this agent joined',
    fix: 'Its signing key differs from the one pinned at join. If the kernel was really reinstalled, remove the node, delete the agent data directory and join again; otherwise treat it as an attack.',
  },
  OMEGA_ERR_AGENT_CERT_MISMATCH: {
    status: 403,
    title: 'TLS certificate does not match the pinned hash',
    fix: 'The server presented another certificate than the join token names. Check that the URL points at your kernel; after a planned certificate change, join again with a new token.',
  },
  OMEGA_ERR_AGENT_UNREACHABLE: {
    status: 503,
    title: 'Kernel unreachable',
    fix: 'The agent retries with back-off (1 s doubling to 60 s). Check the server URL, the network and that the kernel runs.',
  },
  OMEGA_ERR_AGENT_PROTOCOL: {
    status: 502,
    title: 'Protocol violation',
    fix: 'The peer sent a message this agent does not accept; the session is closed and retried. Check that agent and kernel versions are compatible.',
  },
  OMEGA_ERR_AGENT_COMMAND_TIMEOUT: {
    status: 504,
    title: 'Command deadline passed',
    fix: 'The command did not finish within its deadlineMs; retry with a longer deadline or a new id.',
  },
  OMEGA_ERR_AGENT_COMMAND_FAILED: {
    status: 500,
    title: 'Command failed',
    fix: 'The op handler failed without a coded error; the agent log has the details (command id and op).',
  },
  OMEGA_ERR_AGENT_INTERRUPTED: {
    status: 409,
    title: 'Command outcome unknown',
    fix: 'The agent stopped while running this command, so it may or may not have taken effect; inspect the node (e.g. session list) before retrying with a new id.',
  },
  OMEGA_ERR_AGENT_INVITE_INVALID: {
    status: 400,
    title: 'Invalid invitation',
    fix: 'POST /omega/invite takes {server, token, certSha256?}: an http(s) URL, the join token and optionally the 64-hex SHA-256 of the kernel certificate.',
  },
  OMEGA_ERR_AGENT_INVITE_USED: {
    status: 409,
    title: 'Invitation already accepted',
    fix: 'This agent accepts one invitation; it is joining or joined. Reject or remove it on the kernel to start over.',
  },
} as const satisfies Record<string, AgentErrorSpec>;

/** A code of {@link AGENT_ERROR_CODES}. */
export type AgentErrorCode = keyof typeof AGENT_ERROR_CODES;
