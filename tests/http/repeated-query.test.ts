import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, type TempKernel } from '../helpers/temp-kernel.js';
import { call, startSecurityKernel } from '../security/security-kernel.js';

/*
 * Found from outside: `GET /api/v1/security/audit?limit=2&limit=3` answered 2 entries, silently
 * (a plugin sees one value of each parameter). A parameter given twice is now a 400 naming it.
 */
describe('a plugin route given a query parameter twice', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startSecurityKernel();
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
  });

  it('is a 400 naming it; once is answered', async () => {
    const twice = await call(k, 'GET', '/api/v1/security/audit?limit=2&limit=3');
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe('OMEGA_ERR_VALIDATION');
    expect(twice.body.errors).toEqual([
      { field: 'limit', message: 'was given more than once; give it once' },
    ]);
    const once = await call(k, 'GET', '/api/v1/security/audit?limit=2');
    expect(once.status).toBe(200);
  });
});
