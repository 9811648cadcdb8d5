import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { specFromFlags } from '../../cli/commands/sessions.js';

/*
 * Found from outside: `omega sessions run --cores=0.0001 -- true` reached the kernel as
 * millicores 0 and came back as "resources.millicores: must be >= 1", naming a flag the user
 * never gave. The CLI refuses a share under 0.001 core itself, naming --cores.
 */
describe('omega sessions run --cores', () => {
  it('sends whole cores as cores and a share as millicores', () => {
    expect(specFromFlags({ cores: '2' }, ['true']).resources).toEqual({ cores: 2 });
    expect(specFromFlags({ cores: '0.5' }, ['true']).resources).toEqual({ millicores: 500 });
    expect(specFromFlags({ cores: '0.001' }, ['true']).resources).toEqual({ millicores: 1 });
  });

  it('refuses a share that would round to no CPU at all, naming --cores', () => {
    for (const bad of ['0.0001', '0.0004', '0', '-1', 'NaN']) {
      expect(() => specFromFlags({ cores: bad }, ['true']), bad).toThrow(UsageError);
      expect(() => specFromFlags({ cores: bad }, ['true']), bad).toThrow(/--cores/);
    }
  });
});
