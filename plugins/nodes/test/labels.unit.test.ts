import { describe, expect, it } from 'vitest';
import { matchesSelector, parseSelector } from '../src/registry/label-selector.js';
import { labelProblems, patchLabels } from '../src/registry/labels.js';

const sel = (t: string) => {
  const p = parseSelector(t);
  if ('error' in p) throw new Error(p.error);
  return p.selector;
};

describe('label selectors (k=v, k==v, k!=v, k, !k)', () => {
  const labels = { rack: 'a', gpu: '', zone: 'eu-1', 'omega.io/pool': 'batch' };
  it.each([
    ['rack=a', true],
    ['rack==a', true],
    ['rack=b', false],
    ['rack!=b', true],
    ['rack!=a', false],
    ['missing!=x', true],
    ['gpu', true],
    ['!gpu', false],
    ['!spot', true],
    ['spot', false],
    ['rack=a,zone=eu-1,omega.io/pool=batch', true],
    ['rack=a, zone=eu-2', false],
    ['', true],
  ])('%s → %s', (text, want) => {
    expect(matchesSelector(sel(text), labels)).toBe(want);
  });

  it('names the bad term', () => {
    const p = parseSelector('rack=a,bad key=x');
    expect('error' in p && p.error).toContain('bad key');
    expect('error' in parseSelector('rack=has space')).toBe(true);
    expect('error' in parseSelector('x'.repeat(2000))).toBe(true);
  });
});

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
