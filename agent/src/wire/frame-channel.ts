import { decodeFrame, encodeFrame, type SessionKeys } from '@omega/protocol/agent-wire';
import { agentError } from '../errors/index.js';

/** Largest frame the kernel accepts from an agent. */
export const MAX_UP_FRAME_BYTES = 1024 * 1024;
/** Largest frame an agent accepts from the kernel. */
export const MAX_DOWN_FRAME_BYTES = 256 * 1024;

/** One session's MAC'd, strictly sequenced frames, seen from one side. */
export interface FrameChannel {
  /** The next outgoing frame for `message` (sequence +1). */
  seal(message: unknown): Buffer;
  /** The JSON value of the next incoming frame; throws OMEGA_ERR_AGENT_PROTOCOL on any refusal. */
  open(frame: Buffer): unknown;
}

/**
 * The frames of one session for `side`: the agent seals with `up` and opens with `down`, the
 * kernel the other way round (the bench's simulated kernel peer never exists: both the agent and
 * the load process are agents). Sequences start at 1 in each direction; a bad MAC, a sequence that
 * is not the next one, an oversized frame or malformed JSON is refused — the caller closes the
 * session (4400) and reconnects with a fresh handshake.
 */
export function createFrameChannel(keys: SessionKeys, side: 'agent' | 'kernel' = 'agent'): FrameChannel {
  const sendKey = side === 'agent' ? keys.up : keys.down;
  const recvKey = side === 'agent' ? keys.down : keys.up;
  const maxIn = side === 'agent' ? MAX_DOWN_FRAME_BYTES : MAX_UP_FRAME_BYTES;
  const maxOut = side === 'agent' ? MAX_UP_FRAME_BYTES : MAX_DOWN_FRAME_BYTES;
  let sent = 0;
  let received = 0;
  return {
    seal(message) {
      const json = JSON.stringify(message);
      const frame = encodeFrame(sendKey, sent + 1, json);
      if (frame.length > maxOut) {
        throw agentError(
          'OMEGA_ERR_AGENT_PROTOCOL',
          `A frame of ${frame.length} bytes exceeds the ${maxOut}-byte limit.`,
          {
            bytes: frame.length,
          },
        );
      }
      sent++;
      return frame;
    },
    open(frame) {
      if (frame.length > maxIn) {
        throw agentError(
          'OMEGA_ERR_AGENT_PROTOCOL',
          `Refused a ${frame.length}-byte frame (limit ${maxIn}).`,
          {
            reason: 'size',
          },
        );
      }
      const r = decodeFrame(recvKey, received + 1, frame);
      if ('error' in r) {
        throw agentError('OMEGA_ERR_AGENT_PROTOCOL', `Refused a frame: ${r.error}.`, { reason: r.error });
      }
      received++;
      try {
        return JSON.parse(r.json) as unknown;
      } catch {
        throw agentError('OMEGA_ERR_AGENT_PROTOCOL', 'Refused a frame: its body is not JSON.', {
          reason: 'json',
        });
      }
    },
  };
}
