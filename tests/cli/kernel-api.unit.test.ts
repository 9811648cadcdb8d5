import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPath, queryString } from '../../cli/kernel-api.js';

const COMMANDS = join(import.meta.dirname, '..', '..', 'cli', 'commands');

describe('kernelApi: paths and queries', () => {
  it('fills path parameters, each encoded, and refuses a missing one', () => {
    expect(expandPath('/api/v1/nodes/{id}/cordon', { id: 'gpu 01/../x' })).toBe(
      '/api/v1/nodes/gpu%2001%2F..%2Fx/cordon',
    );
    expect(expandPath('/api/v1/sessions/quotas/{scope}/{name}', { scope: 'role', name: 'a?b#c' })).toBe(
      '/api/v1/sessions/quotas/role/a%3Fb%23c',
    );
    expect(expandPath('/api/v1/kernel')).toBe('/api/v1/kernel');
    expect(() => expandPath('/api/v1/nodes/{id}', {})).toThrow(/no value for the path parameter id/);
  });

  it('builds a query from documented and unchecked parameters, leaving out undefined ones', () => {
    expect(queryString()).toBe('');
    expect(queryString({ limit: 5, agg: undefined, series: ['a', 'b&c'] })).toBe(
      '?limit=5&series=a&series=b%26c',
    );
    expect(queryString({ q: 'x y' }, new URLSearchParams({ state: 'ready' }))).toBe('?state=ready&q=x+y');
    expect(queryString({}, new URLSearchParams())).toBe('');
  });
});

describe('CLI commands reach the kernel only through the typed client', () => {
  it('no command calls callApi or fetch with a path of its own', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(COMMANDS).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(COMMANDS, file), 'utf8');
      if (/\bcallApi\b/.test(text) || /\bfetch\(/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
