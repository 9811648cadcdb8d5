import { describe, expect, it } from 'vitest';
import { printableData, printableJsonData, REASONS } from '../../plugins/nodes/src/liveness/reasons.js';
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

describe('an agent’s data (specs, reports)', () => {
  it('loses control characters in strings and keys, and a key that would become __proto__', () => {
    const claimed = JSON.parse(
      '{"\\u0001__proto__":{"capacity":{"cpus":4096}},"cpu":{"model":"x\\u001b[2Ky"},"n":[1,"\\u0085"]}',
    );
    const clean = printableData(claimed) as Record<string, unknown>;
    expect(clean).toEqual({ cpu: { model: 'x [2Ky' }, n: [1, ''] });
    expect(Object.getPrototypeOf(clean)).toBe(Object.prototype);
    expect((clean as { capacity?: unknown }).capacity).toBeUndefined();
  });

  it('passes data whose JSON shows no control character on as it is, without a copy', () => {
    const usage = { session: 's-1', cpuSec: 1.5, note: 'a\\nb is a backslash and an n' };
    const json = JSON.stringify({ session: 's-1', cpuSec: 1.5 });
    const same = { session: 's-1', cpuSec: 1.5 };
    expect(printableJsonData(same, json)).toBe(same);
    // an escaped control character, raw DEL or C1: walked and cleaned
    for (const s of ['a\nb', 'a\u007fb', 'a\u0090b']) {
      const v = { s };
      expect(printableJsonData(v, JSON.stringify(v))).toEqual({ s: 'a b' });
    }
    // a literal backslash before an n is no control character: walked (cheap false alarm), kept
    expect(printableJsonData(usage, JSON.stringify(usage))).toEqual(usage);
  });
});
