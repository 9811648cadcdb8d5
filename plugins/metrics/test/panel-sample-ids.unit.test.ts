import { describe, expect, it } from 'vitest';
import { sampleIdsOf } from '../panel/sample-ids.js';
import { seriesId } from '../src/series/series-id.js';

describe("the node-usage panel's ids into metrics.sample values", () => {
  it('are the ids the collector publishes, for plain and hostile node names', () => {
    for (const node of ['n1', 'gpu-node-07.cluster.local', 'a"b', 'back\\slash', 'new\nline', '{x="y"}']) {
      expect(sampleIdsOf(node)).toEqual({
        cpu: seriesId('cpu.busy', { cpu: 'total', node }),
        mem: seriesId('memory.used', { node }),
      });
    }
  });

  it('differ per node, so one node page never shows another node’s sample', () => {
    expect(sampleIdsOf('n1').cpu).not.toBe(sampleIdsOf('n2').cpu);
    expect(sampleIdsOf('a"b').mem).not.toBe(sampleIdsOf('a\\"b').mem);
  });
});
