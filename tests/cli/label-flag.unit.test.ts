import { describe, expect, it } from 'vitest';
import { labelFlag } from '../../cli/label-flag.js';

describe('labelFlag, a k=v,k2=v2 list', () => {
  it('reads pairs, skipping empty entries and the spaces around each entry and its =', () => {
    expect(labelFlag('a=1, b = 2 ,,c=', '--label')).toEqual({ a: '1', b: '2', c: '' });
    expect(labelFlag('', '--label')).toEqual({});
  });

  it('a key given twice with spaces around = is still the same key (it was "a " and "a")', () => {
    expect(() => labelFlag('a =1,a=2', '--label')).toThrow(
      '--label gives the key "a" more than once; give each key once',
    );
  });

  it('refuses an entry with no = or an empty key', () => {
    for (const bad of ['a', '=1', ' =1', 'a=1,=2'])
      expect(() => labelFlag(bad, '--label'), bad).toThrow(/^--label takes k=v pairs separated by commas/);
  });
});
