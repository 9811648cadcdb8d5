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

  it('takes up to the kernel’s 4096 cores and refuses more itself, naming --cores (4096.5 reached the kernel as millicores)', () => {
    expect(specFromFlags({ cores: '4096' }, ['true']).resources).toEqual({ cores: 4096 });
    expect(specFromFlags({ cores: '4095.999' }, ['true']).resources).toEqual({ millicores: 4_095_999 });
    for (const bad of ['4096.5', '4096.001', '4097', '1e3', '0x10', '2.', 'Infinity']) {
      expect(() => specFromFlags({ cores: bad }, ['true']), bad).toThrow(UsageError);
      expect(() => specFromFlags({ cores: bad }, ['true']), bad).toThrow(
        `--cores takes a number 0.001–4096 (got "${bad}")`,
      );
    }
  });

  it('takes --millicores, --gpus and --pids up to the kernel’s bounds, and refuses one past them', () => {
    const at = { millicores: '4096000', gpus: '64', pids: '4194304' };
    expect(specFromFlags(at, ['true']).resources).toEqual({
      millicores: 4_096_000,
      gpus: 64,
      pids: 4_194_304,
    });
    const cases: Array<[string, string, string]> = [
      ['millicores', '4096001', '--millicores takes a whole number 1–4096000 (got "4096001")'],
      ['gpus', '65', '--gpus takes a whole number 0–64 (got "65")'],
      ['pids', '4194305', '--pids takes a whole number 1–4194304 (got "4194305")'],
    ];
    for (const [flag, value, message] of cases)
      expect(() => specFromFlags({ [flag]: value }, ['true']), flag).toThrow(message);
  });
});
