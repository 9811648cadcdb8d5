import { describe, expect, it } from 'vitest';
import { matchTopic, validatePattern, validateTopic } from '../../kernel/bus/index.js';
import { hasErrorCode } from '../../kernel/errors/index.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return hasErrorCode(err) ? err.code : 'not an OmegaError';
  }
  return undefined;
};

describe('matchTopic', () => {
  const table: [pattern: string, topic: string, expected: boolean][] = [
    ['nodes.node.updated', 'nodes.node.updated', true],
    ['nodes.node.updated', 'nodes.node.created', false],
    ['nodes.node', 'nodes.node.updated', false],
    ['nodes.*', 'nodes.node', true],
    ['nodes.*', 'nodes.node.updated', false],
    ['nodes.*', 'nodes', false],
    ['*.node.*', 'nodes.node.updated', true],
    ['*.node.*', 'nodes.job.updated', false],
    ['*', 'nodes', true],
    ['*', 'nodes.node', false],
    ['nodes.**', 'nodes', true],
    ['nodes.**', 'nodes.node', true],
    ['nodes.**', 'nodes.node.updated.cpu.0', true],
    ['nodes.**', 'nodesx.node', false],
    ['nodes.**', 'metrics.nodes', false],
    ['**', 'anything.at.all', true],
    ['**', 'x', true],
    ['*.**', 'x', true],
    ['*.*.**', 'x', false],
    ['a.*.c.**', 'a.b.c', true],
    ['a.*.c.**', 'a.b.d.e', false],
    ['a_b-1.x', 'a_b-1.x', true],
  ];
  for (const [pattern, topic, expected] of table) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${topic}`, () => {
      expect(matchTopic(pattern, topic)).toBe(expected);
    });
  }
});

describe('validateTopic / validatePattern', () => {
  const badTopics = [
    '',
    'Nodes',
    'nodes..updated',
    '.nodes',
    'nodes.',
    'nodes.*',
    'nodes.**',
    'nodes node',
    'nodes/updated',
    'ünïcode',
    'a.b.c.d.e.f.g.h.i',
    `${'a'.repeat(256)}`,
  ];
  for (const t of badTopics) {
    it(`rejects topic ${JSON.stringify(t.slice(0, 20))}`, () => {
      expect(code(() => validateTopic(t))).toBe('OMEGA_ERR_TOPIC_INVALID');
    });
  }
  it('rejects a non-string topic', () => {
    expect(code(() => validateTopic(42 as unknown as string))).toBe('OMEGA_ERR_TOPIC_INVALID');
  });
  it('accepts 8 segments and 255 characters', () => {
    expect(code(() => validateTopic('a.b.c.d.e.f.g.h'))).toBeUndefined();
    expect(code(() => validateTopic(`${'a'.repeat(253)}.b`))).toBeUndefined();
  });

  const badPatterns = ['', '**.x', 'a.**.b', 'a.***', 'a.*b', 'A.*', 'a..b', 'a.b.c.d.e.f.g.h.*', '#', 'a.>'];
  for (const p of badPatterns) {
    it(`rejects pattern ${JSON.stringify(p)}`, () => {
      expect(code(() => validatePattern(p))).toBe('OMEGA_ERR_TOPIC_INVALID');
    });
  }
  for (const p of ['*', '**', 'a.*', 'a.**', '*.b.*', 'a.b.c.d.e.f.g.**']) {
    it(`accepts pattern ${p}`, () => {
      expect(code(() => validatePattern(p))).toBeUndefined();
    });
  }
  it('matchTopic throws on an invalid topic or pattern', () => {
    expect(code(() => matchTopic('a.**.b', 'a.x.b'))).toBe('OMEGA_ERR_TOPIC_INVALID');
    expect(code(() => matchTopic('a.*', 'a.*'))).toBe('OMEGA_ERR_TOPIC_INVALID');
  });
});
