import { type HttpError, httpError, type PluginError, pluginError } from '@omega/sdk';

/** One of the plugin's own error codes: the HTTP status it maps to and what to do next. */
export interface NodeErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly fix: string;
}

/**
 * The nodes plugin's own error codes (the kernel's codes, docs/errors.md, are used where one
 * fits: OMEGA_ERR_TOKEN_INVALID, OMEGA_ERR_TOKEN_EXPIRED, OMEGA_ERR_NOT_FOUND, …).
 * docs/nodes.md lists every one; a test keeps the two in step.
 */
export const NODE_ERRORS = {
  NODES_ERR_TOKEN_USED_UP: {
    status: 403,
    title: 'Join token used up',
    fix: 'Mint a new token (omega nodes token create --uses N) and start the agent with it.',
  },
  NODES_ERR_TOKEN_REVOKED: {
    status: 403,
    title: 'Join token revoked',
    fix: 'An operator revoked this token; ask for a new one (omega nodes token create).',
  },
  NODES_ERR_TOKEN_BOUND: {
    status: 403,
    title: 'Join token minted for another agent',
    fix: 'The token came from approving a different discovered agent; approve this agent, or mint a general token.',
  },
  NODES_ERR_NODE_REMOVED: {
    status: 403,
    title: 'Node removed',
    fix: "An operator removed this node and revoked its identity: delete the agent's identity in its data dir and join again with a new token.",
  },
  NODES_ERR_KEY_MISMATCH: {
    status: 403,
    title: 'Key does not match the node',
    fix: "The agent presented another key than the node's identity; restore the agent's data dir, or remove the node and join anew.",
  },
  NODES_ERR_UNKNOWN_NODE: {
    status: 404,
    title: 'Unknown node',
    fix: "This kernel has no such node (another kernel's data?); join with a token.",
  },
  NODES_ERR_NAME_TAKEN: {
    status: 409,
    title: 'Node name taken',
    fix: 'Another node (another key) has this name: start the agent with another --name, or remove the old node first.',
  },
  NODES_ERR_SLURM_MANAGED: {
    status: 409,
    title: 'Node managed by Slurm',
    fix: 'Slurm manages this node: change it with Slurm (scontrol update nodename=NAME state=drain or state=resume, reason=...) and run work on it as a Slurm session.',
  },
  NODES_ERR_COMMAND_TIMEOUT: {
    status: 504,
    title: 'Command timed out',
    fix: 'No result arrived in time; call again with the same id to keep waiting (it is never sent twice).',
  },
  NODES_ERR_INVITE_FAILED: {
    status: 502,
    title: 'Invitation not delivered',
    fix: "The discovered agent's approval listener did not accept the invitation; check that it still runs and is reachable, then approve again.",
  },
} as const satisfies Record<string, NodeErrorSpec>;

/** One of the plugin's own codes. */
export type NodeErrorCode = keyof typeof NODE_ERRORS;

/** A coded service error (the caller sees code, message and extras). */
export function nodeError(
  code: NodeErrorCode,
  message: string,
  extras?: Record<string, unknown>,
): PluginError {
  return pluginError(code, message, extras);
}

/** A coded route error with the code's HTTP status (the kernel answers problem+json). */
export function nodeHttpError(
  code: NodeErrorCode,
  detail: string,
  extras?: Record<string, unknown>,
): HttpError {
  return httpError(NODE_ERRORS[code].status, code, detail, extras);
}
