import { describe, expect, it } from 'vitest';
import { createSlurmDriver } from '../../../src/slurm/index.js';

describe('Slurm driver options', () => {
  const base = { mode: 'rest' as const, user: 'omega', token: 'not-used-here' };

  it('warns when tokens would cross the network over plain http, not for loopback or https', () => {
    const warned = (restUrl: string) => {
      const lines: string[] = [];
      createSlurmDriver({
        ...base,
        restUrl,
        logger: { warn: (o, m) => lines.push(`${JSON.stringify(o)} ${m}`) },
      });
      return lines;
    };
    expect(warned('http://slurm-head.example:6820')).toHaveLength(1);
    expect(warned('http://slurm-head.example:6820')[0]).not.toContain('not-used-here');
    expect(warned('https://slurm-head.example:6820')).toEqual([]);
    expect(warned('http://127.0.0.1:6820')).toEqual([]);
    expect(warned('http://[::1]:6820')).toEqual([]);
  });

  it.each([
    [{ ...base, restUrl: 'ftp://slurm:6820' }, 'restUrl'],
    [{ ...base, restUrl: 'http://h:1/?x=1' }, 'restUrl'],
    [{ ...base, restUrl: 'http://h:1', token: undefined }, 'jwtKeyFile'],
    [{ ...base, restUrl: 'http://h:1', tokenLifetimeSeconds: 5 }, 'tokenLifetimeSeconds'],
    [{ mode: 'cli', user: '' }, 'user'],
    [{ mode: 'cli', user: 'omega', slurmEnv: { 'BAD KEY': 'x' } }, 'slurmEnv'],
    [{ mode: 'cli', user: 'omega', logDir: '/logs/%j' }, 'logDir'],
  ])('refuses %j', (options, field) => {
    expect(() => createSlurmDriver(options as never)).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_SLURM_CONFIG', extras: { field } }),
    );
  });
});
