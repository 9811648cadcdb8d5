/*
 * @omega/protocol/agent-wire: the node agent's wire protocol (docs/agent-protocol.md) as pure
 * functions both ends share — transcripts, session keys, MAC'd frames, identity signatures.
 * Node-only (node:crypto).
 */

export { decodeFrame, encodeFrame, FRAME_MAC_BYTES, type FrameError } from './frames.js';
export { ed25519PublicKey, verifyEd25519 } from './identity-signature.js';
export {
  type AgentMessage,
  agentMessage,
  type ChallengeMessage,
  challengeMessage,
  type HelloMessage,
  helloMessage,
  type KernelMessage,
  kernelMessage,
  type LoadSummary,
  loadSummary,
  type RefusedMessage,
  refusedMessage,
  type WelcomeMessage,
  welcomeMessage,
} from './messages.js';
export {
  deriveSessionKeys,
  type EphemeralKey,
  ephemeralKey,
  type SessionKeys,
  x25519PublicKey,
} from './session-keys.js';
export {
  AGENT_PROTOCOL,
  AGENT_SUBPROTOCOL,
  challengeTranscript,
  helloTranscript,
  tokenDigest,
} from './transcripts.js';
