import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-request.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

const BAD_JSON = [
  '{',
  '{"topic":',
  '[1,2',
  '{"a":1,}',
  'nul',
  '"unterminated',
  '{"topic":"ops.a"}}',
  '\u0000',
  "{'a':1}",
  'NaN',
  '{"topic":"ops.x","data":undefined}',
];
const WRONG_TYPES = [
  { topic: 1 },
  { topic: null },
  { topic: ['ops.a'] },
  { topic: { $gt: '' } },
  { topic: 'ops.a', extra: true },
  { topic: '../../etc/passwd' },
  { topic: 'ops..a' },
  { topic: `ops.${'a'.repeat(300)}` },
  { __proto__: { admin: true }, topic: 'x' },
  [],
  'ops.a',
  42,
];
const PATHS = [
  '/api/v1/../../etc/passwd',
  '/api/v1/%2e%2e/%2e%2e/etc/passwd',
  '/api/v1/kernel/%00',
  '/api/v1/%E0%A4%A',
  '/api/v1/events/..%2f..%2fkeyring.json',
  '/api/v1/plugins/..%5c..%5cwindows',
  `/api/v1/${'x'.repeat(4000)}`,
  '/api/v1/kernel/%ZZ?x=%ZZ',
  '/keyring.json',
  '/data/admin-token',
];

/** Everything the kernel answered to `payload` on a raw socket (this side ends after 200 ms). */
const raw = async (port: number, payload: string): Promise<string> =>
  (await rawRequest(port, payload, { endAfterMs: 200 })).text;

describe('bad-input sweep', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startTempKernel({ http: { bodyLimitBytes: 4096 } });
  });
  afterAll(async () => {
    await k.stop();
    removeDir(k.dataDir);
  });

  it('answers thousands of malformed requests with 4xx problem+json and stays up', async () => {
    const rand = seededRandom(20261125);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const statuses = new Map<number, number>();
    const N = 2400;
    const batch = 24;
    for (let i = 0; i < N; i += batch) {
      const reqs = Array.from({ length: batch }, () => {
        const kind = Math.floor(rand() * 6);
        const headers: Record<string, string> = {};
        let path = '/api/v1/events';
        let method = 'POST';
        let body: string | undefined;
        if (kind === 0) {
          headers['content-type'] = 'application/json';
          body = pick(BAD_JSON);
        } else if (kind === 1) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(pick(WRONG_TYPES));
        } else if (kind === 2) {
          headers['content-type'] = pick([
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/jsonx',
            'multipart/form-data',
          ]);
          body = '{"topic":"ops.a"}';
        } else if (kind === 3) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify({ topic: 'ops.big', data: 'x'.repeat(5000 + Math.floor(rand() * 5000)) });
        } else if (kind === 4) {
          method = pick(['GET', 'DELETE', 'PUT', 'PATCH']);
          path = pick(PATHS);
        } else {
          method = pick(['PUT', 'DELETE', 'PATCH']);
          path = pick(['/api/v1/kernel', '/api/v1/health', '/api/v1/openapi.json']);
        }
        const token = rand() < 0.1 ? false : undefined;
        return k
          .api(path, { method, headers, body, token })
          .then((res) => ({ res, what: `${method} ${path} ${body?.slice(0, 60)}` }));
      });
      for (const { res, what } of await Promise.all(reqs)) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, what).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        const problem = (await res.json()) as { code: string; status: number };
        expect(problem.code).toMatch(/^OMEGA_ERR_/);
        expect(problem.status).toBe(res.status);
      }
    }
    // The sweep reached every kind of rejection, not just one.
    for (const s of [400, 401, 404, 405, 413, 415])
      expect(statuses.get(s) ?? 0, `some ${s}`).toBeGreaterThan(0);
    expect((await k.api('/api/v1/health')).status).toBe(200);
  });

  it('answers malformed HTTP and oversized headers at the socket level with problem+json', async () => {
    const huge = await raw(
      k.kernel.port,
      `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toContain('OMEGA_ERR_HEADERS_TOO_LARGE');
    const garbage = await raw(k.kernel.port, '\u0016\u0003\u0001garbage\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage).toContain('application/problem+json');
    const badLength = await raw(
      k.kernel.port,
      'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    );
    expect(badLength).toMatch(/^HTTP\/1\.1 400 /);
    expect((await k.api('/api/v1/health')).status).toBe(200);
  });
});
