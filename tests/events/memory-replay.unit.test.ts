import { describe, expect, it } from 'vitest';
import { DURABLE_ROOTS, validatePattern } from '../../kernel/bus/index.js';
import { MEMORY_REPLAY_TOPICS } from '../../kernel/events/index.js';
import { ALL_TOPIC_SPECS } from '../../scripts/events-doc/event-catalogues.js';

describe('memory-only replay', () => {
  it('the kernel replays from memory exactly the topics the catalogues declare replay: memory', () => {
    const declared = ALL_TOPIC_SPECS.filter((s) => s.replay === 'memory').map((s) => s.topic);
    expect(declared).toContain('metrics.sample');
    expect([...MEMORY_REPLAY_TOPICS].sort()).toEqual([...declared].sort());
  });

  it('no audit, security, kernel or plugin-lifecycle topic is memory-only', () => {
    for (const spec of ALL_TOPIC_SPECS) {
      const root = spec.topic.split('.')[0] ?? '';
      if (DURABLE_ROOTS.includes(root) || spec.topic.includes('audit')) {
        expect(spec.replay ?? 'durable', spec.topic).toBe('durable');
      }
    }
    for (const topic of MEMORY_REPLAY_TOPICS) expect(() => validatePattern(topic)).not.toThrow();
  });
});
