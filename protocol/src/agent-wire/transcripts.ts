import { createHash } from 'node:crypto';

/** The protocol's name, in every transcript and in the WebSocket subprotocol. */
export const AGENT_PROTOCOL = 'omega-agent-v1';

/** The WebSocket subprotocol an agent connects with. */
export const AGENT_SUBPROTOCOL = 'omega-agent.v1';

/** What the kernel signs in a `challenge`: the nonce and its ephemeral X25519 key. */
export function challengeTranscript(nonce: string, kernelX25519: string): string {
  return `${AGENT_PROTOCOL}|challenge|${nonce}|${kernelX25519}`;
}

/** The SHA-256 of a join token, base64url ('' without a token): what a `hello` binds. */
export function tokenDigest(token: string | undefined): string {
  return token === undefined || token === ''
    ? ''
    : createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** What the agent signs in a `hello`: bound to the challenge, both ephemeral keys, mode, node and token. */
export function helloTranscript(h: {
  nonce: string;
  kernelX25519: string;
  agentX25519: string;
  mode: 'join' | 'resume';
  node?: string | undefined;
  token?: string | undefined;
}): string {
  return [
    AGENT_PROTOCOL,
    'hello',
    h.nonce,
    h.kernelX25519,
    h.agentX25519,
    h.mode,
    h.node ?? '',
    tokenDigest(h.token),
  ].join('|');
}
