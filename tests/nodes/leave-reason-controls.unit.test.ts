import { describe, expect, it } from 'vitest';
import { REASONS } from '../../plugins/nodes/src/liveness/reasons.js';
import { readSlurmNodes } from '../../plugins/nodes/src/slurm/read-slurm-nodes.js';

/*
 * Found from outside: a hostile agent's `leave` reason (its own words, up to 256 characters)
 * became its node's reason with terminal escapes and newlines intact, for every reader of the
 * registry, its events and its audit (CLI, webhook and syslog sinks). The node's reason keeps
 * the words and loses the control characters.
 */
describe('the left reason', () => {
  it('keeps an agent’s words and drops control characters', () => {
    expect(REASONS.left('SIGTERM')).toBe('left: SIGTERM');
    expect(REASONS.left('bye \u001b]52;c;ZWNobw==\u0007 now\r\nFAKE: ready')).toBe(
      'left: bye  ]52;c;ZWNobw==  now FAKE: ready',
    );
    expect(REASONS.left('\u001b\u0007\u009b')).toBe('left: the agent stopped gracefully');
    expect(REASONS.left('')).toBe('left: the agent stopped gracefully');
  });
});

describe('a Slurm node’s reason', () => {
  it('keeps the submit host’s words and drops control characters', () => {
    const [n] = readSlurmNodes({
      nodes: [{ name: 'c1', state: 'down', reason: 'Not \u001b]0;x\u0007responding\r\n' }],
    })!;
    expect(n!.reason).toBe('Not  ]0;x responding');
    const [m] = readSlurmNodes({ nodes: [{ name: 'c2', state: 'down', reason: '\u001b\u0007' }] })!;
    expect(m!.reason).toBeNull();
  });
});
