import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveTarget, TargetError } from '../../cli/target.js';

/*
 * Newcomer walk: `OMEGA_URL=notaurl omega nodes list` said "--url must be an http(s) URL", naming
 * a flag that was not given: the message names where the URL came from.
 */
describe('a kernel URL that is no URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-target-'));
  beforeAll(() => vi.stubEnv('OMEGA_CONFIG', join(dir, 'none.json')));
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });
  const refusal = (values: Record<string, unknown>, env: NodeJS.ProcessEnv) => {
    try {
      resolveTarget(values, env);
    } catch (err) {
      expect(err).toBeInstanceOf(TargetError);
      return (err as Error).message;
    }
    throw new Error('resolved');
  };

  it('names $OMEGA_URL when the value came from the environment', () => {
    expect(refusal({}, { OMEGA_URL: 'notaurl' })).toBe(
      '$OMEGA_URL must be an http(s) URL such as https://omega.example:7700 (got notaurl)',
    );
  });

  it('names --url when the flag gave it (it wins over $OMEGA_URL), and $OMEGA_PORT for a bad port', () => {
    expect(refusal({ url: 'ftp://x' }, { OMEGA_URL: 'http://ok:1' })).toMatch(
      /^--url must be an http\(s\) URL/,
    );
    expect(refusal({}, { OMEGA_PORT: 'eighty' })).toBe('$OMEGA_PORT must be a port number (got eighty)');
  });

  it('refuses a URL that ends in the API path, naming the base URL to give (newcomer walk: POST /api/api/v1/…)', () => {
    expect(refusal({ url: 'http://h:7700/api' }, {})).toBe(
      "--url is the kernel's base URL, without the API path: give http://h:7700 (got http://h:7700/api)",
    );
    expect(refusal({}, { OMEGA_URL: 'https://h/omega/API/v1/' })).toBe(
      "$OMEGA_URL is the kernel's base URL, without the API path: give https://h/omega (got https://h/omega/API/v1)",
    );
    // A path that only looks like it is a prefix the user chose.
    expect(resolveTarget({ url: 'https://h/apis', token: '' }, {}).url).toBe('https://h/apis');
    expect(resolveTarget({ url: 'https://h/api/v2', token: '' }, {}).url).toBe('https://h/api/v2');
  });
});
