import { describe, expect, it } from 'vitest';
import { parseSelector, selectorMatches, unsatisfiable } from '../../sdk/src/index.js';

const sel = (t: string) => {
  const p = parseSelector(t);
  if ('error' in p) throw new Error(p.error);
  return p.terms;
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
    expect(selectorMatches(sel(text), labels)).toBe(want);
  });

  it('names the bad term', () => {
    const p = parseSelector('rack=a,bad key=x');
    expect('error' in p && p.error).toContain('bad key');
    expect('error' in parseSelector('rack=has space')).toBe(true);
    expect('error' in parseSelector('x'.repeat(2000))).toBe(true);
  });
});

/*
 * Walk: `omega sessions run --node-selector rack=a,rack=b` was accepted and the session waited
 * forever ("no node matches"). A selector whose terms cannot all hold on one node is refused where
 * a client gives it (a session's nodeSelector, the nodes listing's ?selector=).
 */
describe('a selector no node can ever match', () => {
  const never = (t: string) => unsatisfiable(sel(t));
  it.each([
    ['rack=a,rack=b', '"rack=a" and "rack=b" can never both hold'],
    ['rack=a, rack==b', '"rack=a" and "rack=b" can never both hold'],
    ['gpu,!gpu', '"gpu" and "!gpu" can never both hold'],
    ['!gpu,gpu=a100', '"!gpu" and "gpu=a100" can never both hold'],
    ['rack=a,rack!=a', '"rack=a" and "rack!=a" can never both hold'],
    ['zone=eu,rack!=a,rack=a', '"rack!=a" and "rack=a" can never both hold'],
  ])('%s: %s', (text, said) => {
    expect(never(text)).toContain(said);
    // every pair is one no node meets: the matcher agrees on labels that hold either term
    const cases: Array<Record<string, string>> = [
      {},
      { rack: 'a', gpu: 'a100', zone: 'eu' },
      { rack: 'b', zone: 'eu' },
      { gpu: '' },
    ];
    for (const labels of cases) expect(selectorMatches(sel(text), labels)).toBe(false);
  });
  it.each(['rack=a,rack=a', 'rack!=a,rack!=b', 'rack,rack=a', 'rack!=a,!rack', 'rack=a,zone=b', ''])(
    '%s can match',
    (text) => expect(never(text)).toBeUndefined(),
  );
});
