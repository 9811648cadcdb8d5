import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-request.js';
import { removeDir, startTempKernel, TEST_ADMIN_TOKEN, type TempKernel } from '../helpers/temp-kernel.js';

describe('a request that does not arrive in full', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startTempKernel({ http: { requestTimeoutMs: 3000 } });
  });
  afterAll(async () => {
    await k.stop();
    removeDir(k.dataDir);
  });

  it.each([
    [
      'a body shorter than its Content-Length',
      `POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"topic":"ops.`,
    ],
    ['headers that never end', 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: a'],
  ])(
    '%s gets 408 problem+json once http.requestTimeoutMs has passed, and the connection closes',
    async (_what, request) => {
      const r = await rawRequest(k.url, request);
      expect(r.head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(r.head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
      expect(JSON.parse(r.body)).toMatchObject({ status: 408, code: 'OMEGA_ERR_REQUEST_TIMEOUT' });
      expect(r.ms).toBeGreaterThanOrEqual(2900);
      // The kernel still answers everyone else.
      expect((await fetch(`${k.url}/api/v1/health`)).status).toBe(200);
    },
  );

  it('a body sent slowly but in full within the limit is answered', async () => {
    const { port } = new URL(k.url);
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
    });
    const body = JSON.stringify({ topic: 'ops.maintenance.announced', data: { note: 'slow' } });
    socket.write(
      `POST /api/v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 500));
    socket.write(body.slice(10));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(text).toMatch(/^HTTP\/1\.1 202 /);
  });
});
