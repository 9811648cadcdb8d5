import { randomBytes } from 'node:crypto';
import { encodeFrame } from '@omega/protocol/agent-wire';
import { describe, expect, it } from 'vitest';
import { createFrameChannel, hasAgentErrorCode, MAX_DOWN_FRAME_BYTES } from '../../src/index.js';

const keys = () => ({ up: randomBytes(32), down: randomBytes(32) });
const refusal = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    expect(hasAgentErrorCode(err, 'OMEGA_ERR_AGENT_PROTOCOL')).toBe(true);
    return (err as { extras: { reason: unknown } }).extras.reason;
  }
  throw new Error('not refused');
};

describe('the agent side of a session: sequenced, MAC’d frames', () => {
  it('agent and kernel ends understand each other both ways, in order', () => {
    const k = keys();
    const agent = createFrameChannel(k, 'agent');
    const kernel = createFrameChannel(k, 'kernel');
    for (let n = 1; n <= 3; n++) expect(kernel.open(agent.seal({ k: 'hb', n }))).toEqual({ k: 'hb', n });
    expect(agent.open(kernel.seal({ k: 'hback', n: 3 }))).toEqual({ k: 'hback', n: 3 });
  });

  it('refuses a replayed, a reordered and a cross-session frame', () => {
    const k = keys();
    const agent = createFrameChannel(k, 'agent');
    const kernel = createFrameChannel(k, 'kernel');
    const one = kernel.seal({ k: 'hback', n: 1 });
    const two = kernel.seal({ k: 'hback', n: 2 });
    expect(refusal(() => agent.open(two))).toBe('sequence');
    agent.open(one);
    expect(refusal(() => agent.open(one))).toBe('sequence');
    const other = createFrameChannel(keys(), 'kernel');
    const fresh = createFrameChannel(k, 'agent');
    expect(refusal(() => fresh.open(other.seal({ k: 'hback', n: 1 })))).toBe('mac');
    // A frame sealed for the other direction (agent → kernel) is not a kernel frame.
    expect(refusal(() => createFrameChannel(k, 'agent').open(createFrameChannel(k, 'agent').seal({})))).toBe(
      'mac',
    );
  });

  it('refuses oversized frames both ways and a body that is not JSON', () => {
    const k = keys();
    const agent = createFrameChannel(k, 'agent');
    expect(refusal(() => agent.open(Buffer.alloc(MAX_DOWN_FRAME_BYTES + 1)))).toBe('size');
    expect(() => agent.seal({ blob: 'x'.repeat(1024 * 1024) })).toThrow(/exceeds/);
    // A correctly MAC'd frame whose body is not JSON.
    expect(refusal(() => createFrameChannel(k, 'agent').open(encodeFrame(k.down, 1, '{not json')))).toBe(
      'json',
    );
  });
});
