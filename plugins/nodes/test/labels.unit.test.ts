import { describe, expect, it } from 'vitest';
import { labelProblems, patchLabels } from '../src/registry/labels.js';

describe('labels', () => {
  it('validates keys and values, naming the field', () => {
    expect(labelProblems({ rack: 'a', 'omega.io/gpu': 'yes', empty: '' }, 'labels')).toEqual([]);
    expect(labelProblems({ 'bad key': 'a' }, 'labels')[0]?.field).toBe('labels.bad key');
    expect(labelProblems({ rack: 'no spaces' }, 'labels')[0]?.field).toBe('labels.rack');
    expect(labelProblems({ rack: 3 }, 'labels')[0]?.field).toBe('labels.rack');
    expect(labelProblems({ rack: null }, 'labels', true)).toEqual([]);
    expect(labelProblems([], 'labels')[0]?.field).toBe('labels');
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, 'v']));
    expect(labelProblems(many, 'labels').some((e) => e.message.includes('more than'))).toBe(true);
  });

  it('merge patch: null removes', () => {
    expect(patchLabels({ a: '1', b: '2' }, { b: null, c: '3' })).toEqual({ a: '1', c: '3' });
  });
});
